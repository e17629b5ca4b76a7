'use strict';
// The seed application's EtcdService (shared/seed: NestJS + npm etcd3), without Nest, for the interop
// test (io.etcdmp.registry.SeedInteropTest). Its registry methods do what the seed's do, line for line;
// the only addition is a table of the leases it granted, so that the test can revoke one.
//
// Usage: [ETCD_USER=u ETCD_PASSWORD=p] node seed-service.js <etcd endpoints, comma-separated>
// stdin: one JSON command per line: {"id":1,"op":"register","service":"billing","instanceId":"n-1","metadata":{...}}
//        ops: register, discover, watch, revoke, quit
// stdout: {"ready":true} once, then {"id":1,"ok":true,"result":...} or {"id":1,"ok":false,"error":"..."} per
//         command, and {"watch":"billing","instances":[...]} per watchService callback.
// The seed's console.log lines go to stderr, so that stdout carries only the protocol.

const readline = require('readline');
const { Etcd3 } = require('etcd3');

console.log = (...args) => console.error(...args);
const out = message => process.stdout.write(JSON.stringify(message) + '\n');

class EtcdService {
    constructor(client) {
        this.client = client;
        this.leases = new Map(); // added for the test: key -> lease, to revoke one
    }

    // service registration
    async registerService(serviceName, instanceId, metadata) {
        const key = `/services/${serviceName}/${instanceId}`;
        const lease = this.client.lease(10);
        this.leases.set(key, lease);
        await lease.put(key).value(JSON.stringify(metadata));
        lease.on('lost', async () => {
            console.log('lease lost, registering again...');
            await this.registerService(serviceName, instanceId, metadata);
        });
    }

    // service discovery
    async discoverService(serviceName) {
        const instances = await this.client.getAll().prefix(`/services/${serviceName}`).strings();
        return Object.entries(instances).map(([key, value]) => JSON.parse(value));
    }

    // watch service changes
    async watchService(serviceName, callback) {
        const watcher = await this.client.watch().prefix(`/services/${serviceName}`).create();
        watcher.on('put', async event => {
            console.log('service instance added:', event.key.toString());
            callback(await this.discoverService(serviceName));
        }).on('delete', async event => {
            console.log('service instance removed:', event.key.toString());
            callback(await this.discoverService(serviceName));
        });
    }

    // added for the test: what a process that ends its registration on purpose does
    async revoke(serviceName, instanceId) {
        const key = `/services/${serviceName}/${instanceId}`;
        const lease = this.leases.get(key);
        if (!lease) {
            throw new Error(`no lease for ${key}`);
        }
        this.leases.delete(key);
        await lease.revoke();
    }
}

// ETCD_USER / ETCD_PASSWORD (added for the console's browser test, whose etcd has authentication on)
const auth = process.env.ETCD_USER ? { username: process.env.ETCD_USER, password: process.env.ETCD_PASSWORD || '' } : undefined;
const client = new Etcd3({ hosts: (process.argv[2] || 'http://127.0.0.1:2379').split(','), auth });
const service = new EtcdService(client);

async function handle(command) {
    switch (command.op) {
        case 'register':
            return service.registerService(command.service, command.instanceId, command.metadata);
        case 'discover':
            return service.discoverService(command.service);
        case 'watch':
            return service.watchService(command.service, instances => out({ watch: command.service, instances }));
        case 'revoke':
            return service.revoke(command.service, command.instanceId);
        case 'quit':
            client.close();
            setImmediate(() => process.exit(0));
            return null;
        default:
            throw new Error(`unknown op ${command.op}`);
    }
}

readline.createInterface({ input: process.stdin }).on('line', line => {
    let command;
    try {
        command = JSON.parse(line);
    } catch (e) {
        out({ ok: false, error: `not JSON: ${line}` });
        return;
    }
    handle(command).then(
        result => out({ id: command.id, ok: true, result: result === undefined ? null : result }),
        error => out({ id: command.id, ok: false, error: String(error && error.stack || error) }));
}).on('close', () => {
    client.close();
    process.exit(0);
});

out({ ready: true });
