import { UnprocessableInputError } from '../../../../platform/errors.js';

/**
 * An uploaded vector file this server cannot import, with a message the uploader can act on
 * ("The zip holds no .shp file", "Feature 3: …"). 422 when answered; the layer's status_detail when
 * found by the import job.
 */
export class VectorUploadError extends UnprocessableInputError {}

/** "Feature 3: …" — features are counted from 1, in file order. */
export function featureError(index: number, message: string) {
  return new VectorUploadError(`Feature ${index + 1}: ${message}`);
}
