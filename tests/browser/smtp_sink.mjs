// A mail server for the browser tests, in Node alone: it accepts every
// message on 127.0.0.1:PORT and writes it, as received, to DIR/NNNNN.eml,
// so the console's sign-in link can be read from the mail the service
// sent. Prints "ready" once listening.
//
//   node smtp_sink.mjs PORT DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

const [port, dir] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
let count = 0;
net
  .createServer((socket) => {
    socket.setEncoding('utf8');
    let buffer = '';
    let inData = false;
    let message = [];
    const say = (line) => socket.write(`${line}\r\n`);
    say('220 sink ESMTP');
    socket.on('data', (chunk) => {
      buffer += chunk;
      for (let at = buffer.indexOf('\r\n'); at >= 0; at = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            writeFileSync(path.join(dir, `${String(count++).padStart(5, '0')}.eml`), message.join('\n'));
            message = [];
            say('250 OK queued');
          } else {
            message.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') socket.write('250-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n');
        else if (verb === 'DATA') {
          inData = true;
          say('354 end with <CRLF>.<CRLF>');
        } else if (verb === 'QUIT') {
          say('221 bye');
          socket.end();
        } else say('250 OK');
      }
    });
    socket.on('error', () => {});
  })
  .listen(Number(port), '127.0.0.1', () => console.log('ready'));
