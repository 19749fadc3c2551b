import { unzipSync, type Unzipped } from 'fflate';
import { VectorUploadError } from './vector-upload-error.js';

/** Zips inflate: what one archive may hold in all, however small it is (a zip bomb is refused). */
export const MAX_UNZIPPED_BYTES = 256 * 1024 * 1024;

export function isZip(bytes: Uint8Array) {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** The members of a zip whose names `wanted` accepts (macOS resource forks skipped), bounded in size. */
export function unzipMembers(bytes: Uint8Array, what: string, wanted: (name: string) => boolean, maxBytes = MAX_UNZIPPED_BYTES): Unzipped {
  if (!isZip(bytes)) throw new VectorUploadError(`The ${what} is not a zip archive.`);
  let total = 0;
  try {
    return unzipSync(bytes, {
      filter: (file) => {
        if (file.name.startsWith('__MACOSX/') || !wanted(file.name)) return false;
        total += file.originalSize;
        if (total > maxBytes) throw new VectorUploadError(`The ${what} inflates to more than ${maxBytes} bytes.`);
        return true;
      },
    });
  } catch (error) {
    if (error instanceof VectorUploadError) throw error;
    throw new VectorUploadError(`The ${what} is not a readable zip archive.`);
  }
}

export const extensionOf = (name: string) => name.toLowerCase().split('.').pop() ?? '';
