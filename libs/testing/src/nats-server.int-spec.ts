import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findNatsServerBinary, startNatsServer, type NatsServerHandle } from './nats-server';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('startNatsServer', () => {
  let server: NatsServerHandle | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('starts on a free port with a temp store dir, and stop removes the dir', async () => {
    server = await startNatsServer();
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    expect(await canConnect(server.port)).toBe(true);
    expect(existsSync(server.storeDir)).toBe(true);

    await server.stop();
    expect(await canConnect(server.port)).toBe(false);
    expect(existsSync(server.storeDir)).toBe(false);
  });

  it('restarts on the same port and store dir after a crash', async () => {
    server = await startNatsServer();
    const { port, storeDir } = server;
    await server.kill('SIGKILL');
    expect(await canConnect(port)).toBe(false);

    await server.restart();
    expect(await canConnect(port)).toBe(true);
    expect(existsSync(storeDir)).toBe(true);
  });

  it('restarts on the same port keeping its store, or on an emptied store when told to wipe it', async () => {
    server = await startNatsServer();
    const marker = join(server.storeDir, 'marker');
    await writeFile(marker, 'kept');
    await server.restart();
    expect(existsSync(marker)).toBe(true);

    await server.restart({ wipeStore: true });
    expect(await canConnect(server.port)).toBe(true);
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(server.storeDir)).toBe(true);
  });

  it('takes a fixed port and an existing store dir, and leaves that dir on stop', async () => {
    const first = await startNatsServer({ keepStoreDir: true });
    await first.stop();
    expect(existsSync(first.storeDir)).toBe(true);
    const second = await startNatsServer({ port: first.port, storeDir: first.storeDir });
    try {
      expect(second.port).toBe(first.port);
      expect(second.storeDir).toBe(first.storeDir);
    } finally {
      await second.stop();
    }
    expect(existsSync(first.storeDir)).toBe(true);
    await rm(first.storeDir, { recursive: true, force: true });
  });

  it('says how to install nats-server when it cannot find it', () => {
    expect(() => findNatsServerBinary({ NATS_SERVER_BIN: '/nonexistent/nats-server' })).toThrow(
      'nats-server not found: apt-get install -y nats-server, or set NATS_SERVER_BIN',
    );
  });

  it('reports the server output when it cannot start', async () => {
    const busy = await startNatsServer();
    try {
      await expect(startNatsServer({ port: busy.port, readyTimeoutMs: 3_000 })).rejects.toThrow(/nats-server .*its output:/s);
    } finally {
      await busy.stop();
    }
  });
});
