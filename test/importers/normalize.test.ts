// Normalisation and type detection of free values (src/importers/normalize.ts), with hand-written expectations.
import { describe, expect, it } from 'vitest';
import {
  detectIndicator,
  normalizeCidr,
  normalizeHost,
  normalizeIp,
  normalizeRegistryKey,
  normalizeUrl,
  refang,
  splitTags,
} from '../../src/importers/normalize.js';

describe('refang', () => {
  it('undoes [.] (.) [:] hxxp and [@]', () => {
    expect(refang('hxxps[:]//evil[.]com/a(.)php')).toBe('https://evil.com/a.php');
    expect(refang('HXXP://x[.]org')).toBe('http://x.org');
    expect(refang('bad[@]mail[.]ru')).toBe('bad@mail.ru');
    expect(refang('plain.example.com')).toBe('plain.example.com');
  });
});

describe('normalisers', () => {
  it('hosts: IDN to punycode, lower case, trailing dot dropped', () => {
    expect(normalizeHost('Bücher.DE.')).toBe('xn--bcher-kva.de');
    expect(normalizeHost('WWW.Example.COM')).toBe('www.example.com');
  });
  it('IPs: IPv4 leading zeros dropped, IPv6 in RFC 5952 form, junk refused', () => {
    expect(normalizeIp('010.001.002.003')).toBe('10.1.2.3');
    expect(normalizeIp('2001:0DB8:0000:0000:0000:0000:0000:0001')).toBe('2001:db8::1');
    expect(normalizeIp('256.1.1.1')).toBeUndefined();
  });
  it('CIDR: IPv6 expanded as TC wants it', () => {
    expect(normalizeCidr('2001:DB8::/32')).toBe('2001:db8:0:0:0:0:0:0/32');
    expect(normalizeCidr('5.63.151.0/24')).toBe('5.63.151.0/24');
    expect(normalizeCidr('5.63.151.0/33')).toBeUndefined();
  });
  it('URLs: scheme and host lower-cased, IDN host punycoded, port/path/query kept', () => {
    expect(normalizeUrl('HTTP://Bücher.DE:8080/Path?Q=A#F')).toBe('http://xn--bcher-kva.de:8080/Path?Q=A#F');
    expect(normalizeUrl('https://[2001:DB8::1]:443/x')).toBe('https://[2001:db8::1]:443/x');
  });
  it('registry hives spelled out', () => {
    expect(normalizeRegistryKey('HKLM\\Software\\Run')).toBe('HKEY_LOCAL_MACHINE\\Software\\Run');
    expect(normalizeRegistryKey('hkcu:\\Software')).toBe('HKEY_CURRENT_USER\\Software');
  });
  it('tags: # removed, split on spaces and commas, deduplicated', () => {
    expect(splitTags('#phishing #scam,#phishing')).toStrictEqual(['phishing', 'scam']);
  });
});

describe('detectIndicator', () => {
  it('types values', () => {
    expect(detectIndicator('D41D8CD98F00B204E9800998ECF8427E')).toStrictEqual({ type: 'File', value: 'd41d8cd98f00b204e9800998ecf8427e', hash: 'md5' });
    expect(detectIndicator('95.216.13.196:8080')).toStrictEqual({ type: 'Address', value: '95.216.13.196', port: 8080 });
    expect(detectIndicator('[2001:db8::1]:53')).toStrictEqual({ type: 'Address', value: '2001:db8::1', port: 53 });
    expect(detectIndicator('evil[.]com:443')).toStrictEqual({ type: 'Host', value: 'evil.com', port: 443 });
    expect(detectIndicator('ertel-audit.com/wp-includes/caramel.php')).toStrictEqual({ type: 'URL', value: 'http://ertel-audit.com/wp-includes/caramel.php' });
    expect(detectIndicator('hxxps://EVIL[.]com:8443/x')).toStrictEqual({ type: 'URL', value: 'https://evil.com:8443/x' });
    expect(detectIndicator('AS 13335')).toStrictEqual({ type: 'ASN', value: 'ASN13335' });
    expect(detectIndicator('13335', { asn: true })).toStrictEqual({ type: 'ASN', value: 'ASN13335' });
    expect(detectIndicator('Bad@Bücher.de')).toStrictEqual({ type: 'EmailAddress', value: 'Bad@xn--bcher-kva.de' });
    expect(detectIndicator('10.0.0.0/8')).toStrictEqual({ type: 'CIDR', value: '10.0.0.0/8' });
  });
  it('says why a value is not an indicator', () => {
    expect(detectIndicator('/Microsoft/Update/KS081274.php')).toStrictEqual({ error: 'URL path without a host' });
    expect(detectIndicator('13335')).toStrictEqual({ error: 'bare number (an AS number only in an ASN column)' });
    expect(detectIndicator('300.1.1.1')).toStrictEqual({ error: 'invalid IPv4 address' });
    expect(detectIndicator('hello world')).toStrictEqual({ error: 'not a recognised indicator value' });
  });
});
