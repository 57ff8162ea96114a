// better-sqlite3 (the durable store of @oai-runs/server) compiles from source where its prebuilt binaries cannot
// be downloaded; node-gyp then wants Node's headers, which it would download too. Point it at the headers that
// ship with this Node (<prefix>/include/node) when they are there. No hooks otherwise.
const { existsSync } = require('node:fs')
const path = require('node:path')

const prefix = path.dirname(path.dirname(process.execPath))
if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node.h'))) {
  process.env.npm_config_nodedir = prefix
}

module.exports = { hooks: {} }
