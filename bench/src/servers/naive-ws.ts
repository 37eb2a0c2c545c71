import { WebSocketServer, WebSocket } from 'ws';
import { envelope } from '../payload';
import { listenAndReport, publishServer } from './publish-endpoint';

// Peer (a): what a first WebSocket fan-out usually looks like: per event, per client,
// stringify and send.
let seq = 0;
const server = publishServer((events) =>
  events.map((ev) => {
    const msg = envelope(ev, ++seq);
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(JSON.stringify(msg));
    }
    return seq;
  }),
);
const wss = new WebSocketServer({ server, perMessageDeflate: false });
listenAndReport(server);
