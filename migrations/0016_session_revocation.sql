-- Access tokens name their session (the refresh-token family). Every request with an access token
-- asks whether that family was revoked (refresh-token reuse, another session's password change);
-- this partial index answers it from revoked rows only, however many refreshes a session made.
CREATE INDEX refresh_tokens_revoked_family_idx ON refresh_tokens (family_id) WHERE revoked_at IS NOT NULL;
