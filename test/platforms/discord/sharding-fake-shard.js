// A stand-in for a shard process in sharding tests (no tsx, no gateway: it starts in milliseconds).
// It tells the ShardingManager it is ready, as discord.js's ShardClientUtil does once its client
// is, and exits on SIGTERM or when its parent goes away, as shard-main.ts does.
process.send({ _ready: true });
process.on('SIGTERM', () => process.exit(0));
process.on('disconnect', () => process.exit(0));
setInterval(() => undefined, 60_000);
