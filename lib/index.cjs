// Runtime entry used by notebooks and by `require('gradient-dojo')`: compiles the TypeScript
// library on the fly, so an edit in lib/ is live after a kernel restart with no build step.
require('tsx/cjs/api').register();
module.exports = require('./index.ts');
