// The participants of the event, in a JSON file that every worker shares and that survives a
// restart. Module state would do neither: each worker (and each reload) has its own.
// Writes are atomic (a temp file renamed over the old one: a reader sees the old file or the new
// one, never half of one) and serialised by a lock file created with O_EXCL ('wx'): only one
// writer, in any worker or process, holds it at a time.
const fs = require('node:fs/promises');
const path = require('node:path');

const LOCK_RETRY_MS = 15;
const LOCK_TIMEOUT_MS = 3000;
// A lock older than this was left by a process that died while holding it.
const STALE_LOCK_MS = 10000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function withLock(file, work) {
  const lock = `${file}.lock`;
  const started = Date.now();
  for (;;) {
    try {
      const handle = await fs.open(lock, 'wx');
      await handle.close();
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const stats = await fs.stat(lock).catch(() => null);
      if (stats && Date.now() - stats.mtimeMs > STALE_LOCK_MS) {
        await fs.rm(lock, { force: true });
        continue;
      }
      if (Date.now() - started > LOCK_TIMEOUT_MS) throw new Error(`could not lock ${file} within ${LOCK_TIMEOUT_MS} ms`);
      await sleep(LOCK_RETRY_MS);
    }
  }
  try {
    return await work();
  } finally {
    await fs.rm(lock, { force: true });
  }
}

async function readParticipants(file) {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')).participants;
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
}

async function writeAtomically(file, participants) {
  const temp = `${file}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify({ participants }, null, 2)}\n`);
  await fs.rename(temp, file);
}

/** How many people registered. */
exports.countParticipants = async (file) => (await readParticipants(file)).length;

/** Registers one participant unless the event is full or the email is already registered. */
exports.registerParticipant = async (file, capacity, participant) => {
  await fs.mkdir(path.dirname(file), { recursive: true });
  return withLock(file, async () => {
    const participants = await readParticipants(file);
    const remaining = Math.max(0, capacity - participants.length);
    if (participants.some((p) => p.email === participant.email)) return { status: 'duplicate', remaining };
    if (remaining === 0) return { status: 'full', remaining };
    participants.push(participant);
    await writeAtomically(file, participants);
    return { status: 'registered', remaining: remaining - 1 };
  });
};
