import { Server as SocketIoServer } from 'socket.io';
import { envelope } from '../payload';
import { listenAndReport, publishServer } from './publish-endpoint';

// Peer (b): socket.io's broadcast, which encodes each packet once for all sockets.
let seq = 0;
const server = publishServer((events) =>
  events.map((ev) => {
    io.emit('event', envelope(ev, ++seq));
    return seq;
  }),
);
const io = new SocketIoServer(server, { transports: ['websocket'], perMessageDeflate: false });
listenAndReport(server);
