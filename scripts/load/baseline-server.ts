/**
 * The yardstick for load tests: a bare Koa + mongoose server that inserts one document and
 * reads one document back per request, on the same database as the service under test.
 *   MONGODB_URI=… PORT=… npx tsx scripts/load/baseline-server.ts
 */
import { bodyParser } from '@koa/bodyparser';
import Koa from 'koa';
import mongoose, { Schema } from 'mongoose';

const Note = mongoose.model('BaselineNote', new Schema({ text: String, at: Date }));

async function main() {
  await mongoose.connect(process.env.MONGODB_URI!, { dbName: 'baseline', retryWrites: false });
  const app = new Koa();
  app.use(bodyParser());
  app.use(async (ctx) => {
    const body = (ctx.request.body ?? {}) as { text?: string };
    const created = await Note.create({ text: String(body.text ?? ''), at: new Date() });
    const read = await Note.findById(created._id).lean();
    ctx.body = { id: String(read!._id), text: read!.text };
  });
  app.listen(Number(process.env.PORT ?? 3100), '127.0.0.1', () => process.stdout.write('baseline ready\n'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
