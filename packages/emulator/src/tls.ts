// @peculiar/x509 resolves its ASN.1 codecs through tsyringe, which needs the
// Reflect metadata API before the library is loaded.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, X509Certificate as NodeX509Certificate, webcrypto } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileExists, writeFileAtomic } from './files.js';

x509.cryptoProvider.set(webcrypto);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

/** PEM-encoded certificate and key material the HTTPS listener uses. */
export interface TlsMaterial {
  /** Absolute path of the CA certificate (PEM) that clients must trust. */
  caCertPath: string;
  caCertPem: string;
  /** Server certificate followed by the CA certificate, as TLS servers send them. */
  serverCertChainPem: string;
  serverKeyPem: string;
}

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

const DAY_MS = 24 * 60 * 60 * 1000;
const CA_LIFETIME_DAYS = 5 * 365;
// Browsers and Apple platforms reject server certificates valid for more than
// 398 days; Go and Node do not, but staying below keeps the CA usable everywhere.
const SERVER_LIFETIME_DAYS = 365;
// A certificate this close to expiry is replaced at startup.
const RENEW_BEFORE_DAYS = 30;
// Backdating covers clocks of clients that run slightly behind.
const BACKDATE_MS = 60 * 60 * 1000;

/** Host names and addresses the server certificate covers. */
export const SERVER_DNS_NAMES = ['localhost', 'vault.localhost', '*.vault.localhost'];
export const SERVER_IP_ADDRESSES = ['127.0.0.1', '::1'];

interface TlsFiles {
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

function tlsFiles(dataDir: string): TlsFiles {
  const dir = path.join(dataDir, 'tls');
  return {
    caCert: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca-key.pem'),
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server-key.pem'),
  };
}

/**
 * Loads the CA and server certificate from `<dataDir>/tls`, creating them on
 * first start. The CA is kept as long as it is valid for more than 30 days, so
 * clients that trust it keep working across restarts; the server certificate
 * is reissued by the same CA when it nears expiry or lacks one of the names in
 * {@link SERVER_DNS_NAMES} and {@link SERVER_IP_ADDRESSES}.
 */
export async function loadOrCreateTls(dataDir: string, log: (message: string) => void): Promise<TlsMaterial> {
  const files = tlsFiles(dataDir);
  await mkdir(path.dirname(files.caCert), { recursive: true, mode: 0o700 });

  let caCertPem: string;
  let caKey: CryptoKey;
  const existingCa = await readUsableCertificate(files.caCert, files.caKey);
  if (existingCa === undefined) {
    ({ caCertPem, caKey } = await createCa(files));
    log(`created CA certificate ${files.caCert}`);
  } else {
    caCertPem = existingCa.certPem;
    caKey = await importPrivateKey(existingCa.keyPem);
  }

  let serverCertPem: string;
  let serverKeyPem: string;
  const existingServer = await readUsableCertificate(files.serverCert, files.serverKey);
  if (existingServer !== undefined && serverCertificateFits(existingServer.certPem, caCertPem)) {
    serverCertPem = existingServer.certPem;
    serverKeyPem = existingServer.keyPem;
  } else {
    ({ serverCertPem, serverKeyPem } = await createServerCertificate(files, caCertPem, caKey));
    log(`issued server certificate ${files.serverCert}`);
  }

  return {
    caCertPath: path.resolve(files.caCert),
    caCertPem,
    serverCertChainPem: `${serverCertPem}${caCertPem}`,
    serverKeyPem,
  };
}

async function readUsableCertificate(
  certFile: string,
  keyFile: string,
): Promise<{ certPem: string; keyPem: string } | undefined> {
  if (!(await fileExists(certFile)) || !(await fileExists(keyFile))) {
    return undefined;
  }
  const certPem = await readFile(certFile, 'utf8');
  const keyPem = await readFile(keyFile, 'utf8');
  let certificate: NodeX509Certificate;
  try {
    certificate = new NodeX509Certificate(certPem);
  } catch (error) {
    throw new Error(
      `Invalid certificate in ${certFile}: ${(error as Error).message}. Delete the file to let the emulator create a new one.`,
      { cause: error },
    );
  }
  const renewAt = Date.parse(certificate.validTo) - RENEW_BEFORE_DAYS * DAY_MS;
  if (Date.now() >= renewAt || !certificate.checkPrivateKey(parsePrivateKey(keyPem, keyFile))) {
    return undefined;
  }
  return { certPem, keyPem };
}

function parsePrivateKey(keyPem: string, keyFile: string) {
  try {
    return createPrivateKey(keyPem);
  } catch (error) {
    throw new Error(
      `Invalid private key in ${keyFile}: ${(error as Error).message}. Delete the file to let the emulator create a new one.`,
      { cause: error },
    );
  }
}

function serverCertificateFits(serverCertPem: string, caCertPem: string): boolean {
  const server = new NodeX509Certificate(serverCertPem);
  const ca = new NodeX509Certificate(caCertPem);
  if (!server.checkIssued(ca) || !server.verify(ca.publicKey)) {
    return false;
  }
  const names = (server.subjectAltName ?? '').split(', ');
  const expected = [
    ...SERVER_DNS_NAMES.map((name) => `DNS:${name}`),
    // X509Certificate.subjectAltName prints IPv6 addresses uncompressed.
    ...SERVER_IP_ADDRESSES.map((address) => `IP Address:${address === '::1' ? '0:0:0:0:0:0:0:1' : address}`),
  ];
  return expected.every((entry) => names.includes(entry));
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, ECDSA_P256, false, ['sign']);
}

async function exportPrivateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return `${x509.PemConverter.encode(der, 'PRIVATE KEY')}\n`;
}

function randomSerialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  // A DER INTEGER with the high bit set is negative, which Go rejects.
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  bytes[0] |= 0x01;
  return Buffer.from(bytes).toString('hex');
}

async function generateKeyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
}

async function createCa(files: TlsFiles): Promise<{ caCertPem: string; caKey: CryptoKey }> {
  const keys = await generateKeyPair();
  const now = Date.now();
  const suffix = Buffer.from(webcrypto.getRandomValues(new Uint8Array(4))).toString('hex');
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: `CN=azkv emulator local CA ${suffix}, O=azkv emulator`,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + CA_LIFETIME_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const caCertPem = `${certificate.toString('pem')}\n`;
  await writeFileAtomic(files.caKey, await exportPrivateKeyPem(keys.privateKey), 0o600);
  await writeFileAtomic(files.caCert, caCertPem, 0o644);
  return { caCertPem, caKey: keys.privateKey };
}

async function createServerCertificate(
  files: TlsFiles,
  caCertPem: string,
  caKey: CryptoKey,
): Promise<{ serverCertPem: string; serverKeyPem: string }> {
  const ca = new x509.X509Certificate(caCertPem);
  const keys = await generateKeyPair();
  const now = Date.now();
  const notAfter = Math.min(now + SERVER_LIFETIME_DAYS * DAY_MS, ca.notAfter.getTime());
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: 'CN=localhost, O=azkv emulator',
    issuer: ca.subject,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: caKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([
        ...SERVER_DNS_NAMES.map((value) => ({ type: 'dns' as const, value })),
        ...SERVER_IP_ADDRESSES.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
    ],
  });
  const serverCertPem = `${certificate.toString('pem')}\n`;
  const serverKeyPem = await exportPrivateKeyPem(keys.privateKey);
  await writeFileAtomic(files.serverKey, serverKeyPem, 0o600);
  await writeFileAtomic(files.serverCert, serverCertPem, 0o644);
  return { serverCertPem, serverKeyPem };
}
