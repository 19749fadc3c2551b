-- A published plume is queued for the watch sweep only while some watch exists: a watch hears of
-- plumes published after it was made, and a catalog with no watch (a bulk load, a fresh install)
-- pays no queue row per plume. Plumes queued while no watch exists are dropped with the queue's
-- purpose gone.
CREATE OR REPLACE FUNCTION community_queue_published_plume() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'published' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'published')
     AND EXISTS (SELECT 1 FROM community_watches) THEN
    INSERT INTO community_published_plumes (plume_uuid) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;

DELETE FROM community_published_plumes WHERE NOT EXISTS (SELECT 1 FROM community_watches);
