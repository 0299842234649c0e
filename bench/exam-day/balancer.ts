// A plain TCP round-robin balancer: each new client connection goes to the next instance, and its
// bytes are piped both ways. What a load balancer in front of several instances does, at the cost
// of its own CPU on the same cores (reported beside the servers').
import { writeFile } from "node:fs/promises";
import net from "node:net";

export async function serveBalancer(upstreams: number[], out: string) {
  let next = 0;
  const server = net.createServer((client) => {
    const port = upstreams[next++ % upstreams.length]!;
    const upstream = net.connect({ host: "127.0.0.1", port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", close);
    upstream.on("error", close);
    client.on("close", close);
    upstream.on("close", close);
  });
  server.listen(0, "127.0.0.1", async () => {
    const address = server.address() as net.AddressInfo;
    await writeFile(out, JSON.stringify({ port: address.port }));
    console.log("READY");
  });
  process.on("SIGUSR2", () => {
    const { user, system } = process.cpuUsage();
    void writeFile(
      `${out}.cpu`,
      JSON.stringify({ ms: (user + system) / 1000, rss: process.memoryUsage().rss }),
    );
  });
  process.on("SIGTERM", () => {
    server.close();
    process.exit(0);
  });
}
