// WalSync: makes the WAL file's contents durable without blocking the event
// loop. SQLite runs with synchronous=NORMAL (a COMMIT writes its frames to the
// WAL in the OS page cache and returns; checkpoints still sync both files),
// and the store calls sync() after a COMMIT and acknowledges the batch only
// once it resolves: fdatasync on the libuv thread pool covers every frame
// written before it was called. So an acknowledged write survives power loss
// as with synchronous=FULL, while the loop serves requests during the flush.
//
// The file descriptor is opened on the first sync (the WAL exists once a
// transaction has committed) and the directory is synced once then, so the
// WAL's own directory entry is durable too. It stays valid for the store's
// life: SQLite restarts a WAL in place after a checkpoint (same inode) and
// deletes it only when the connection closes, after which sync is not called.

import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/** what the store needs of a WAL flusher */
export interface WalFlush {
  /** resolves once everything written to the WAL before the call is on stable storage */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export class WalSync implements WalFlush {
  private handle: Promise<FileHandle> | undefined;

  constructor(private readonly dbPath: string) {}

  get walPath(): string {
    return `${this.dbPath}-wal`;
  }

  /** resolves once everything written to the WAL before the call is on stable storage */
  async sync(): Promise<void> {
    const fh = await (this.handle ??= this.openWal().catch((err: unknown) => {
      this.handle = undefined;
      throw err;
    }));
    await fh.datasync();
  }

  async close(): Promise<void> {
    const h = this.handle;
    this.handle = undefined;
    if (h) await (await h.catch(() => undefined))?.close();
  }

  private async openWal(): Promise<FileHandle> {
    const fh = await open(this.walPath, 'r');
    const dir = await open(dirname(this.walPath), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return fh;
  }
}
