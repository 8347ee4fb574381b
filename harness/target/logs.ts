// Container logs as text. Without a TTY the engine multiplexes stdout and stderr into
// frames: 1 byte stream type, 3 zero bytes, a 4-byte big-endian length, the payload.
import { getDocker } from "../engine/ensureEngine.ts";

export function demuxDockerLog(buffer: Buffer): string {
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const type = buffer[offset];
    if (!(type === 0 || type === 1 || type === 2) || buffer.readUIntBE(offset + 1, 3) !== 0) {
      // Not multiplexed (TTY container): the bytes are the log itself.
      return buffer.toString("utf8");
    }
    const length = buffer.readUInt32BE(offset + 4);
    chunks.push(buffer.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The last `lines` lines of a container's stdout and stderr, or a note why there are none. */
export async function containerLogTail(id: string, lines = 20): Promise<string> {
  try {
    const docker = await getDocker();
    const raw = (await docker
      .getContainer(id)
      .logs({ stdout: true, stderr: true, tail: lines, follow: false })) as unknown as Buffer;
    return demuxDockerLog(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw))).trimEnd();
  } catch (error) {
    return `(no logs: ${(error as Error).message.split("\n")[0]})`;
  }
}
