import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import path from 'node:path';

/** Environment variables the server understands; validated once at start-up. */
const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATA_DIR: Type.String({ minLength: 1, default: './data' }),
  ASSET_DIR: Type.Optional(Type.String({ minLength: 1, description: 'Where plume assets (tif, png) are read from; default <DATA_DIR>/assets.' })),
  CONSOLE_DIR: Type.Optional(Type.String({ minLength: 1, description: 'The built web console (index.html + static/); default dist/console of this installation. Without one, GET / shows a page of links.' })),
  ASSET_URL_TTL: Type.Integer({ minimum: 10, maximum: 604_800, default: 900 }),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3, description: 'Serve assets from this S3(-compatible) bucket instead of ASSET_DIR.' })),
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://', description: 'An S3-compatible service (MinIO, R2, Ceph…); unset for AWS.' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^postgres(ql)?://' })),
  /** PostgreSQL: give up opening a connection (or waiting for a free one in the pool) after this long; 0 waits forever. */
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 5_000 }),
  /** PostgreSQL: the server cancels a statement running longer (statement_timeout); the client gives up 2 s later if the server does not answer at all. 0: no limit. */
  DB_STATEMENT_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 30_000 }),
  /** PostgreSQL: the server ends a session left idle inside an open transaction this long (idle_in_transaction_session_timeout); 0: no limit. */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 60_000 }),
  /** PostgreSQL: the same bound for a maintenance statement (the full rebuild of the maintained sources, ~70 s at a million plumes); 0: no limit. */
  DB_MAINTENANCE_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 3_600_000 }),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://' })),
  BOOTSTRAP_API_KEY: Type.Optional(Type.String({ minLength: 32, maxLength: 256, pattern: '^[\\x21-\\x7e]+$' })),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** A bearer token Prometheus presents to scrape /metrics; unset: only loopback clients may scrape. */
  METRICS_TOKEN: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
  /** An OpenTelemetry collector (OTLP/HTTP, e.g. http://collector:4318): traces of requests and statements are sent there; unset: no tracing. */
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** json: one JSON object per event; pretty: one readable line per request; auto: pretty on a terminal. */
  LOG_FORMAT: Type.Enum(['auto', 'json', 'pretty'], { default: 'auto' }),
  RATE_LIMIT_STANDARD: Type.Integer({ minimum: 1, default: 100 }),
  RATE_LIMIT_ENTERPRISE: Type.Integer({ minimum: 1, default: 1000 }),
  RATE_LIMIT_ANONYMOUS: Type.Integer({ minimum: 1, default: 60 }),
  /** Map tile requests per minute per credential, or per client address without one (a map view asks for dozens at once). */
  RATE_LIMIT_TILES: Type.Integer({ minimum: 1, default: 1200 }),
  /** In-process cache of vector tiles (MiB; 0 disables it); shared through Redis too when REDIS_URL is set. */
  TILE_CACHE_MB: Type.Integer({ minimum: 0, maximum: 4096, default: 64 }),
  /** Plume tiles up to this zoom draw cells (count, emission sum) from the maintained aggregate when the filters allow; -1: plumes at every zoom. */
  PLUME_TILE_CELLS_MAX_ZOOM: Type.Integer({ minimum: -1, maximum: 6, default: 6 }),
  /** Requests per minute per client address to routes that take a password, token or e-mailed link. */
  RATE_LIMIT_CREDENTIALS: Type.Integer({ minimum: 1, default: 20 }),
  /** E-mails (verification, password reset) per recipient address per hour, whoever asks. */
  RATE_LIMIT_MAIL_PER_RECIPIENT: Type.Integer({ minimum: 1, default: 5 }),
  /** Concurrent long downloads (CSV exports, scene files) per client: an address, or a credential when authenticated. */
  DOWNLOAD_LIMIT_PER_CLIENT: Type.Integer({ minimum: 1, default: 2 }),
  /** Concurrent long downloads this process serves in all. */
  DOWNLOAD_LIMIT_TOTAL: Type.Integer({ minimum: 1, default: 8 }),
  /** A download whose client accepts no byte for this long is cut off and its slot freed. */
  DOWNLOAD_STALL_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
  /** No download holds a slot longer than this, however slowly its client reads. */
  DOWNLOAD_MAX_SECONDS: Type.Integer({ minimum: 10, maximum: 86_400, default: 900 }),
  RESPONSE_CACHE_MB: Type.Integer({ minimum: 0, maximum: 4096, default: 32 }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_048_576 }),
  /** A request (headers and body) must arrive in full within this long, or is answered 408; covers a body shorter than its Content-Length. */
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 300_000 }),
  /** The request headers must arrive within this long (at most REQUEST_TIMEOUT_MS). */
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  /** A connection on which nothing is sent or received for this long is closed; 0: never. */
  CONNECTION_TIMEOUT_MS: Type.Integer({ minimum: 0, default: 120_000 }),
  /** An idle keep-alive connection is closed after this long. */
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 72_000 }),
  /** Largest NDJSON/CSV upload to /v2/emissions/import. */
  IMPORT_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 1_073_741_824 }),
  /** Largest file uploaded into a layer (/api/v1/layers/layer/form); it is read into memory to be parsed. */
  LAYER_UPLOAD_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 1_073_741_824, default: 104_857_600 }),
  /** Largest GeoTIFF upload to PUT /api/v1/layers/scene/{scene_id}/{product}. */
  RASTER_UPLOAD_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 268_435_456 }),
  /** In-process cache of rendered raster tiles (shared through Redis when REDIS_URL is set); 0 disables it. */
  RASTER_CACHE_MB: Type.Integer({ minimum: 0, maximum: 16_384, default: 64 }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 60, default: 2_592_000 }),
  /** Behind a reverse proxy, take the client address from X-Forwarded-For (for login throttling). */
  TRUST_PROXY: Type.Boolean({ default: false }),
  /** Where links in e-mails point; defaults to http://HOST:PORT. */
  PUBLIC_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Origins whose browser pages may call the API, comma-separated, or * for any; unset: none. */
  CORS_ORIGINS: Type.Optional(Type.String({ minLength: 1 })),
  /** Outgoing mail, e.g. smtp://user:pass@mail.example.com:587; without it mail waits in the outbox. */
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  MAIL_FROM: Type.String({ minLength: 3, default: 'Carbon Atlas <no-reply@localhost>' }),
  /** OpenID Connect sign-in (/api/v1/account/oauth): the issuer, and this server's client id there. */
  OIDC_ISSUER: Type.Optional(Type.String({ pattern: '^https?://' })),
  OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  /** Registry transaction workers in this process (0: leave processing to `carbon-atlas worker`). */
  REGISTRY_WORKERS: Type.Integer({ minimum: 0, maximum: 16, default: 1 }),
  /** Webhook delivery workers in this process. */
  WEBHOOK_WORKERS: Type.Integer({ minimum: 0, maximum: 16, default: 1 }),
  IMPORT_WORKERS: Type.Integer({ minimum: 0, maximum: 16, default: 1 }),
  /** Defaults to the jwks_uri of the issuer's /.well-known/openid-configuration. */
  OIDC_JWKS_URI: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Local testing only: let webhooks target loopback, private and link-local addresses (refused otherwise: SSRF). */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: Type.Boolean({ default: false }),
  /** Let OpenID discovery and JWKS fetches reach an identity provider on a private network (the operator's own). */
  OIDC_ALLOW_PRIVATE_TARGETS: Type.Boolean({ default: false }),
});

export type Config = Static<typeof ConfigSchema> & { dataDir: string; publicUrl: string };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const KNOWN_KEYS = Object.keys(ConfigSchema.properties);

/** The variables loadConfig reads, with their defaults and descriptions (for `serve --help`). */
export function environmentVariables(): { name: string; defaultValue: unknown; description: string | undefined }[] {
  return Object.entries(ConfigSchema.properties).map(([name, schema]) => {
    const { default: defaultValue, description } = schema as { default?: unknown; description?: string };
    return { name, defaultValue, description };
  });
}

/** Reads configuration from an environment object, applying defaults; throws a readable error on invalid values. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const raw: Record<string, unknown> = {};
  for (const key of KNOWN_KEYS) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const converted = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  if (!Value.Check(ConfigSchema, converted)) {
    const problems = new Set(
      [...Value.Errors(ConfigSchema, converted)].map(
        (error) => `${error.instancePath.replace(/^\//, '') || 'config'}: ${error.message}`,
      ),
    );
    throw new ConfigError(`Invalid configuration:\n  ${[...problems].join('\n  ')}`);
  }
  const publicUrl = (converted.PUBLIC_URL ?? `http://${converted.HOST}:${converted.PORT}`).replace(/\/+$/, '');
  return { ...converted, dataDir: path.resolve(converted.DATA_DIR), publicUrl };
}
