import pg from 'pg';

/** Test support: a new, empty database on a throwaway cluster, so each test starts from nothing. */
export async function freshDatabase(clusterUrl: string, name: string): Promise<string> {
  const admin = new pg.Client(clusterUrl);
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
