/**
 * The baseline of the pipeline benchmark: a bare express server that answers the app channel's POST with 202 and
 * POSTs the reply to the callback at once, storing nothing. Prints "READY <url>".
 */
import express from 'express';

const callback = process.env.APP_CALLBACK_URL!;
const app = express();
app.use(express.json());
let n = 0;
app.post('/api/v1/app/messages', (req, res) => {
  const { userId } = req.body as { userId: string };
  const conversationId = `c${n++}`;
  res.status(202).json({ conversationId });
  void fetch(callback, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId, messageId: `o${n}`, conversationId, text: 'Dạ, Tổng đài 1022 đã nhận tin nhắn của anh/chị ạ.' }),
  }).catch(() => undefined);
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`READY http://127.0.0.1:${address.port}\n`);
});
