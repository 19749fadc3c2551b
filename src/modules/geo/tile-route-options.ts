/**
 * Route options every map-tile route shares (vector, raster, basemap).
 *
 * Map tiles come in bursts (a view asks for dozens at once, each pan for more): they spend their
 * own per-minute budget (RATE_LIMIT_TILES, per credential or else per address) rather than the
 * tier's 100 requests a minute, which one map would use up in seconds.
 */
export const TILE_BUDGET = { rateLimit: { address: 'tiles' as const, credential: 'tiles' as const } };

/**
 * Tiles arrive compressed (PNG) or compress their own bytes once, when a tile is made, and a GET
 * has no body to decompress: the global compression hooks would only look at each tile and pass
 * it by, on the path of every tile.
 */
export const OWN_ENCODING = { compress: false as const, decompress: false as const };
