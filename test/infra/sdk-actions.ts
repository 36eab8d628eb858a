/** The IAM actions a TypeScript source file's AWS SDK v3 commands need, found by scanning its imports. */

/** IAM service prefix of each SDK client package. */
const IAM_PREFIX: Record<string, string> = {
  'client-ec2': 'ec2',
  'client-ssm': 'ssm',
  'client-sfn': 'states',
  'client-eventbridge': 'events',
  'client-auto-scaling': 'autoscaling',
  'client-ecs': 'ecs',
  'client-dynamodb': 'dynamodb',
  'client-global-accelerator': 'globalaccelerator',
  'client-s3': 's3',
  'client-lambda': 'lambda',
  'lib-dynamodb': 'dynamodb',
};

/**
 * The DocumentClient's commands (`@aws-sdk/lib-dynamodb`) and the DynamoDB actions IAM checks for each:
 * TransactWriteItems is authorized per action it contains (the state table's transaction puts the status,
 * checks the spec and deletes signals).
 */
const DOCUMENT_COMMANDS: Record<string, string[]> = {
  GetCommand: ['GetItem'],
  PutCommand: ['PutItem'],
  UpdateCommand: ['UpdateItem'],
  DeleteCommand: ['DeleteItem'],
  QueryCommand: ['Query'],
  ScanCommand: ['Scan'],
  TransactWriteCommand: ['PutItem', 'DeleteItem', 'ConditionCheckItem'],
};

/** IAM actions a source file's SDK commands need: `new XCommand(` and the SDK paginator `paginateX(`. */
export function actionsIn(source: string): string[] {
  const imported = new Map<string, string>();
  const documentCommands = new Set<string>();
  for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/((?:client|lib)-[a-z0-9-]+)'/g)) {
    const prefix = IAM_PREFIX[m[2] as string];
    if (!prefix) continue;
    for (const raw of (m[1] as string).split(',')) {
      const name =
        raw
          .replace(/^\s*type\s+/, '')
          .split(/\s+as\s+/)[0]
          ?.trim() ?? '';
      if (!name.endsWith('Command') && !/^paginate[A-Z]/.test(name)) continue;
      imported.set(name, prefix);
      if (m[2] === 'lib-dynamodb') documentCommands.add(name);
    }
  }
  const actions = new Set<string>();
  for (const m of source.matchAll(/new ([A-Za-z]+Command)\(/g)) {
    const name = m[1] as string;
    const prefix = imported.get(name);
    if (!prefix) continue;
    const document = documentCommands.has(name) ? DOCUMENT_COMMANDS[name] : undefined;
    if (document) for (const action of document) actions.add(`dynamodb:${action}`);
    else actions.add(`${prefix}:${name.slice(0, -'Command'.length)}`);
  }
  for (const m of source.matchAll(/\b(paginate[A-Z][A-Za-z]+)\(/g)) {
    const prefix = imported.get(m[1] as string);
    if (prefix) actions.add(`${prefix}:${(m[1] as string).slice('paginate'.length)}`);
  }
  return [...actions].sort();
}
