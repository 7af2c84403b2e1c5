import multer from '@koa/multer';
import type { Middleware } from 'koa';
import { badRequest, tooLarge, unsupportedType } from '../../lib/errors';
import type { AppContext } from '../types';

/**
 * Multipart upload of one image in the field "file", kept in memory (bounded by the size
 * limit) and checked by magic bytes afterwards. Multer's own errors become our error shape.
 */
export function imageUpload(maxBytes: number): Middleware {
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: maxBytes, files: 1, fields: 5, parts: 8 } }).single('file');
  return async function imageUploadMiddleware(ctx, next) {
    if (!ctx.is('multipart/form-data')) throw unsupportedType('请以 multipart/form-data 上传图片（Use multipart/form-data）', 'unsupported_media_type');
    try {
      await upload(ctx as never, async () => undefined);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') throw tooLarge(`图片不能超过 ${Math.floor(maxBytes / 1024)} KB（Image too large）`, 'attachment_too_large');
      if (typeof code === 'string' && code.startsWith('LIMIT_')) throw badRequest('上传内容不符合要求：一次只能上传一张图片（One image per upload）');
      throw badRequest('上传内容无法解析（Malformed upload）');
    }
    await next();
  };
}

export function uploadedFile(ctx: AppContext): Buffer {
  const file = (ctx as unknown as { file?: { buffer?: Buffer } }).file ?? (ctx.request as unknown as { file?: { buffer?: Buffer } }).file;
  if (!file?.buffer) throw badRequest('请选择要上传的图片（字段名 file）（No file in field "file"）', undefined, 'no_file');
  return file.buffer;
}
