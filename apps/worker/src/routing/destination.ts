/**
 * Where one attempt may connect, in order of preference: MX hosts (each with its addresses), or the
 * configured relay. The SMTP layer tries them in turn until one gives a session.
 */
export interface Destination {
  /** The host name: TLS SNI and certificate checks, connection limits and backoff, recorded on events. */
  name: string;
  addresses: string[];
  port: number;
  /** See SessionOptions.tls. */
  tls: 'opportunistic' | 'required';
  implicitTls: boolean;
  auth?: { user: string; pass: string } | undefined;
}
