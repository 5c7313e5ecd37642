/**
 * What reward signal does an Atari game give a learner that starts from the uniform policy? Plays games
 * with actions drawn uniformly from a set and prints, per game and per life, how often a reward is nonzero,
 * and the score. With `--signal GAMMA` it also prints the policy gradient on each action's logit bias
 * under that uniform policy, E[G_t (onehot(a_t) - 1/|A|)] with discounted returns G_t that stop at a lost
 * life, with its standard error: how many steps of play fix the sign of each component.
 *
 *   node --import tsx bench/learn/reward-probe.ts [--env ID] [--actions 0,1,...] [--games N] [--signal GAMMA]
 *
 * Rewards are the game's points (multiply by the recipe's rewardScale for what the learner sees).
 * Not part of CI; findings in bench/RESULTS.md ("Kangaroo: why the one-hour run learned nothing").
 */
import { make, type Env } from '../../lib/envs';
import { Rng } from '../../lib/util/rng';

interface Args {
  env: string;
  actions: number[] | null;
  games: number;
  gamma: number | null;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { env: 'KangarooDeterministic-v0', actions: null, games: 60, gamma: null };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`reward-probe: ${flag} needs a value`);
    if (flag === '--env') out.env = value;
    else if (flag === '--actions') out.actions = value.split(',').map(Number);
    else if (flag === '--games') out.games = Number(value);
    else if (flag === '--signal') out.gamma = Number(value);
    else throw new Error(`reward-probe: unknown flag ${flag}. Flags: --env ID, --actions 0,1,..., --games N, --signal GAMMA`);
  }
  if (!(Number.isInteger(out.games) && out.games >= 1))
    throw new Error(`reward-probe: --games must be a positive integer, got ${out.games}`);
  return out;
}

/** The course's Atari recipes multiply rewards by 0.01; the gradient is printed for rewards so scaled. */
const REWARD_SCALE = 0.01;

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const env = make(args.env) as Env<Uint8Array, number> & { lives(): number };
  const nA = (env.actionSpace as unknown as { n: number }).n;
  const actions = args.actions ?? Array.from({ length: nA }, (_, i) => i);
  if (actions.some((a) => !(Number.isInteger(a) && a >= 0 && a < nA))) {
    throw new Error(`reward-probe: --actions must be integers in 0..${nA - 1} for ${args.env}, got ${actions.join(',')}`);
  }
  const rng = new Rng(12345);
  const scores: number[] = [];
  const lengths: number[] = [];
  const lifeRewards: number[] = [];
  const values = new Map<number, number>();
  let steps = 0;
  let nonzero = 0;
  const sum = new Float64Array(nA);
  const sq = new Float64Array(nA);
  for (let g = 0; g < args.games; g++) {
    env.reset({ seed: 5000 + g });
    let lives = env.lives();
    let lifeReward = 0;
    const taken: number[] = [];
    const rewards: number[] = [];
    const lifeEnds: boolean[] = [];
    for (;;) {
      const a = actions[rng.int(actions.length)];
      const r = env.step(a);
      taken.push(a);
      rewards.push(r.reward);
      if (r.reward !== 0) {
        nonzero++;
        values.set(r.reward, (values.get(r.reward) ?? 0) + 1);
      }
      lifeReward += r.reward;
      const over = r.terminated || r.truncated;
      const lost = env.lives() < lives;
      lifeEnds.push(over || lost);
      if (over || lost) {
        lifeRewards.push(lifeReward);
        lifeReward = 0;
        lives = env.lives();
      }
      if (over) break;
    }
    steps += taken.length;
    scores.push(rewards.reduce((x, y) => x + y, 0));
    lengths.push(taken.length);
    if (args.gamma !== null) {
      let G = 0;
      for (let t = taken.length - 1; t >= 0; t--) {
        G = REWARD_SCALE * rewards[t] + (lifeEnds[t] ? 0 : args.gamma * G);
        for (let b = 0; b < nA; b++) {
          const x = G * ((taken[t] === b ? 1 : 0) - (actions.includes(b) ? 1 / actions.length : 0));
          sum[b] += x;
          sq[b] += x * x;
        }
      }
    }
  }
  env.close();
  const sd = Math.sqrt(mean(scores.map((s) => (s - mean(scores)) ** 2)));
  console.log(`${args.env}, actions ${actions.join(',')} drawn uniformly, ${args.games} games (seeds 5000..)`);
  console.log(`score ${mean(scores).toFixed(1)} ± ${sd.toFixed(1)} (min ${Math.min(...scores)}, max ${Math.max(...scores)})`);
  console.log(`agent steps per game ${mean(lengths).toFixed(0)}, per life ${(steps / lifeRewards.length).toFixed(0)}`);
  console.log(
    `nonzero rewards: ${((100 * nonzero) / steps).toFixed(3)}% of steps (one per ${(steps / Math.max(nonzero, 1)).toFixed(0)}), ` +
      `${(nonzero / args.games).toFixed(2)} per game, lives with any reward ${((100 * lifeRewards.filter((r) => r !== 0).length) / lifeRewards.length).toFixed(1)}%`,
  );
  console.log(`reward values: ${[...values].map(([v, n]) => `${v} x${n}`).join(', ') || 'none'}`);
  if (args.gamma !== null) {
    console.log(
      `logit-bias policy gradient under this policy, gamma ${args.gamma}, rewards x ${REWARD_SCALE} (in units of 1e-4), ${steps} steps:`,
    );
    for (const b of actions) {
      const m = sum[b] / steps;
      const s = Math.sqrt(sq[b] / steps - m * m);
      console.log(
        `  action ${String(b).padStart(2)}: ${(m * 1e4).toFixed(2).padStart(8)} ± ${((s / Math.sqrt(steps)) * 1e4).toFixed(2)} (per-step SNR ${(m / s).toFixed(4)})`,
      );
    }
  }
}

main();
