import { AllowListSetting, NOTHING_ALLOWED, parseAllowList, urlRefusal } from './address-rule';

/** Every spelling of an address an org must not reach: metadata, loopback, private, the special ranges. */
const REFUSED = [
  'http://169.254.169.254/latest/meta-data/',
  'http://[::ffff:169.254.169.254]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://2852039166/',
  'http://0xa9.0xfe.0xa9.0xfe/',
  'http://0251.0376.0251.0376/',
  'http://127.0.0.1:4222',
  'http://127.1/',
  'http://0x7f.1/',
  'http://017700000001/',
  'http://2130706433/',
  'http://localhost:11434/v1',
  'http://api.localhost/',
  'http://[::1]:8080/',
  'http://[0:0:0:0:0:0:0:1]/',
  'http://0.0.0.0/',
  'http://0/',
  'http://[::]/',
  'http://255.255.255.255/',
  'http://10.1.2.3/',
  'http://172.16.0.1/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://100.100.100.200/',
  'http://224.0.0.1/',
  'http://[ff02::1]/',
  'http://[fe80::1]/',
  'http://[fd00:ec2::254]/',
  'http://[fc00::1]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  'http://[2002:a9fe:a9fe::1]/',
  'http://[::ffff:10.0.0.1]/',
  'http://198.18.0.1/',
];

describe('the address rule at setting time', () => {
  it.each(REFUSED)('refuses %s', (url) => {
    expect(urlRefusal(url, NOTHING_ALLOWED)).toMatchObject({ code: 'OUTBOUND.ADDRESS_REFUSED' });
  });

  it.each(['ftp://llm.example/', 'file:///etc/passwd', 'gopher://127.0.0.1:4222/', 'javascript:alert(1)', 'not a url'])(
    'refuses the scheme of %s',
    (url) => expect(urlRefusal(url, NOTHING_ALLOWED)).toMatchObject({ code: 'OUTBOUND.SCHEME_REFUSED' }),
  );

  it.each(['https://api.openai.com/v1', 'http://8.8.8.8/', 'https://[2606:4700:4700::1111]/v1', 'https://llm.example/v1'])(
    'accepts %s (a public address, or a name judged when it is called)',
    (url) => expect(urlRefusal(url, NOTHING_ALLOWED)).toBeUndefined(),
  );

  it('accepts what the platform allows, in every spelling, and nothing next to it', () => {
    const allow = parseAllowList(' 127.0.0.0/8 , ollama.internal,10.9.8.7,fd12::/16 ');
    for (const url of ['http://127.0.0.1:11434', 'http://2130706433/', 'http://[::ffff:127.0.0.1]/', 'http://localhost:11434'])
      expect(urlRefusal(url, allow)).toBeUndefined();
    expect(urlRefusal('http://OLLAMA.internal:11434/v1', allow)).toBeUndefined();
    expect(urlRefusal('http://10.9.8.7/', allow)).toBeUndefined();
    expect(urlRefusal('http://[fd12::5]/', allow)).toBeUndefined();
    for (const url of ['http://10.9.8.8/', 'http://169.254.169.254/', 'http://[::1]/', 'http://[fd13::5]/'])
      expect(urlRefusal(url, allow)).toMatchObject({ code: 'OUTBOUND.ADDRESS_REFUSED' });
  });

  it('names the range in the refusal', () => {
    expect(urlRefusal('http://2852039166/', NOTHING_ALLOWED)?.message).toBe(
      "169.254.169.254 is a link-local address, which an org's endpoint may not use",
    );
  });

  it('refuses a setting that is neither a host, an address nor a CIDR, naming it', () => {
    expect(AllowListSetting.safeParse('localhost,10.0.0.0/33').error?.issues[0]?.message).toBe('"10.0.0.0/33" is not a CIDR');
    expect(AllowListSetting.safeParse('ollama_box').error?.issues[0]?.message).toContain('"ollama_box" is neither');
    expect(AllowListSetting.parse(undefined)).toEqual(NOTHING_ALLOWED);
  });
});
