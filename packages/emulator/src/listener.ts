import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net from 'node:net';

type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** A TCP listener that serves plain HTTP and HTTPS on the same port. */
export interface DualProtocolListener {
  port: number;
  close(): Promise<void>;
}

// The first byte a TLS client sends is the record type of its ClientHello
// (22, handshake); an HTTP request starts with an ASCII method name.
const TLS_HANDSHAKE_RECORD = 0x16;
// A client that connects and stays silent this long is disconnected.
const FIRST_BYTE_TIMEOUT_MS = 30_000;

/**
 * Listens on `host:port` and hands each connection to an HTTPS or a plain HTTP
 * server depending on its first byte. The vault needs HTTPS, while the App
 * Service identity endpoint that the token endpoint imitates is plain HTTP on
 * loopback. One port for both keeps the printed environment short.
 */
export async function listenDualProtocol(options: {
  host: string;
  port: number;
  tls: { cert: string; key: string };
  log: (message: string) => void;
  onHttp: RequestHandler;
  onHttps: RequestHandler;
  /** Decides whether an HTTP CONNECT request for `authority` (host:port) may reach the HTTPS server. */
  acceptsTunnel: (authority: string) => boolean;
}): Promise<DualProtocolListener> {
  const plain = http.createServer(options.onHttp);
  const secure = https.createServer({ cert: options.tls.cert, key: options.tls.key }, options.onHttps);
  secure.on('tlsClientError', (error) => {
    options.log(`TLS handshake failed: ${error.message}; a client that rejects the certificate needs the emulator's CA`);
  });
  const sockets = new Set<net.Socket>();

  // A client configured with HTTPS_PROXY=http://<this listener> requests a
  // tunnel to the vault host, so it need not resolve names such as
  // myvault.vault.localhost. Accepted tunnels go to this process's own HTTPS
  // server, and the emulator never opens a connection elsewhere.
  plain.on('connect', (request: IncomingMessage, socket: net.Socket, head: Buffer) => {
    const authority = request.url ?? '';
    if (!options.acceptsTunnel(authority)) {
      options.log(`CONNECT ${authority} rejected: the emulator tunnels only to itself`);
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nThe emulator tunnels only to itself, not to '${authority}'.\n`);
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) {
      socket.unshift(head);
    }
    secure.emit('connection', socket);
  });

  const tcp = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setTimeout(FIRST_BYTE_TIMEOUT_MS, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk);
      const target = chunk[0] === TLS_HANDSHAKE_RECORD ? secure : plain;
      target.emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
    // An error of one connection, such as a reset, ends that connection only.
    socket.on('error', (error) => {
      options.log(`connection from ${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'} failed: ${error.message}`);
      socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(options.port, options.host, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  const address = tcp.address();
  if (address === null || typeof address === 'string') {
    throw new Error(`The emulator listener has no TCP address: ${String(address)}`);
  }

  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        tcp.close((error) => (error === undefined ? resolve() : reject(error)));
        for (const socket of sockets) {
          socket.destroy();
        }
      }),
  };
}
