// git in a test's scratch repository, as its author: a fixed identity and no signing, so that a
// commit works on any machine, whatever its git configuration.
import { spawnSync } from 'node:child_process';

const IDENTITY = ['-c', 'user.name=test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false'];

/** Runs `git args` in `repo`; throws with git's own message if it fails. */
export function gitIn(repo: string, ...args: string[]): void {
  const result = spawnSync('git', [...IDENTITY, ...args], { cwd: repo, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  }
}
