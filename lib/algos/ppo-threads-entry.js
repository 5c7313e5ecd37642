// Entry point of a PPO gradient thread: worker threads start plain JavaScript, so this registers the
// TypeScript loader and then runs the thread's loop written in TypeScript (ppo-threads.ts).
require('tsx/cjs/api').register();
require('./ppo-threads.ts').runHelperThread();
