/**
 * A TCP proxy on loopback to put between the bot and its database, to cut the connection and
 * restore it as a network partition would (issue 16's fault runs). `cut()` destroys every
 * connection through it, both sides, and from then on accepts new ones only to destroy them
 * at once (the client sees its connection reset, as when a firewall drops it). `hang()` is
 * the other partition: connections stay open and new ones are accepted, but nothing passes
 * either way (the client waits on its own timeouts). `restore()` ends a hang's connections and
 * lets new ones through again. node:net only.
 */
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface TcpProxy {
  /** The loopback port to connect to instead of the target's. */
  port: number;
  /** Whether connections are being cut. */
  readonly down: boolean;
  /** Connections accepted so far (cut ones included). */
  readonly accepted: number;
  cut(): void;
  hang(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let down = false;
  let hanging = false;
  let accepted = 0;
  const server = createServer((client) => {
    accepted++;
    client.on('error', () => undefined);
    if (down) return void client.destroy();
    open.add(client);
    client.on('close', () => open.delete(client));
    if (hanging) return; // held open, never answered
    const upstream = createConnection({ host: targetHost, port: targetPort });
    open.add(upstream);
    upstream.on('close', () => open.delete(upstream));
    upstream.on('error', () => undefined); // the other side's close follows
    // Forwarded by hand, so that a hang can stop the bytes without closing anything.
    client.on('data', (d: Buffer) => void (hanging || upstream.write(d)));
    upstream.on('data', (d: Buffer) => void (hanging || client.write(d)));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get down() {
      return down;
    },
    get accepted() {
      return accepted;
    },
    cut() {
      down = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    hang() {
      hanging = true;
    },
    restore() {
      // A hang dropped bytes mid-stream: its connections cannot go on.
      if (hanging) for (const s of open) s.destroy();
      down = false;
      hanging = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
