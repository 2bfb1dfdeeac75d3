/**
 * README "Adding a type": one new schema file plus codegen, nothing else. On a temp copy of
 * schemas/ with a new groups/task.json, generate({ schemasDir }) puts Task into the catalogue,
 * the TS types (and the AnyGroup union), the validators (and the content union) and the builders.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../codegen/index.js';
import { runValidator, type RawValidator } from '../../src/model/validation.js';
import { GROUP_TYPES, RULE, outcome } from '../schemas/helpers.js';
import { ROOT, copyFromRepo, tempDir, typeBlock, writeAll } from './helpers.js';

/** Task (tc-batch-api.md §10), written like schemas/groups/incident.json with its own x-tc block. */
const TASK_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://tcbatch.dev/schemas/groups/task.json',
  title: 'Task',
  description: 'ThreatConnect Task group (test-only: added on a temp copy to prove "Adding a type").',
  type: 'object',
  allOf: [{ $ref: '../common/group-base.json' }],
  properties: {
    type: { const: 'Task' },
    status: {
      type: 'string',
      enum: ['Not Started', 'In Progress', 'Completed', 'Waiting on Someone', 'Deferred'],
      'x-tc-rule': 'Task status is one of TC task statuses',
    },
    dueDate: { $ref: '../common/defs.json#/$defs/date' },
  },
  required: ['type'],
  unevaluatedProperties: false,
  'x-tc': {
    kind: 'group',
    type: 'Task',
    method: 'task',
    className: 'Task',
    apiBranch: 'tasks',
    apiEntity: 'task',
    args: ['status'],
  },
};

describe('adding a type', () => {
  const tmp = tempDir('addtype');
  const schemasDir = join(tmp.dir, 'schemas');
  let files: Map<string, string>;
  let raw: Record<string, RawValidator>;

  beforeAll(async () => {
    copyFromRepo('schemas', schemasDir);
    writeFileSync(join(schemasDir, 'groups', 'task.json'), `${JSON.stringify(TASK_SCHEMA, null, 2)}\n`);
    files = await generate({ schemasDir });
    writeAll(new Map([['standalone.mjs', files.get('validators/standalone.js')!]]), tmp.dir);
    raw = (await import(pathToFileURL(join(tmp.dir, 'standalone.mjs')).href)) as Record<string, RawValidator>;
  }, 60_000);
  afterAll(() => tmp.cleanup());

  it('the copy differs from schemas/ by that one file only', () => {
    expect(readFileSync(join(schemasDir, 'groups', 'incident.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'schemas', 'groups', 'incident.json'), 'utf8'));
    expect(readFileSync(join(schemasDir, 'batch', 'content.json'), 'utf8')).toBe(readFileSync(join(ROOT, 'schemas', 'batch', 'content.json'), 'utf8'));
  });

  it('catalogue: a Task entry between Tactic and Threat, with its metadata and fields', async () => {
    writeAll(new Map([['catalog.ts', files.get('catalog.ts')!]]), tmp.dir);
    const { groupTypes } = (await import(pathToFileURL(join(tmp.dir, 'catalog.ts')).href)) as typeof import('../../generated/catalog.js');
    expect(Object.keys(groupTypes)).toEqual([...GROUP_TYPES.slice(0, 13), 'Task', ...GROUP_TYPES.slice(13)]);
    expect(groupTypes['Task' as keyof typeof groupTypes]).toMatchObject({
      kind: 'group',
      type: 'Task',
      method: 'task',
      className: 'Task',
      apiBranch: 'tasks',
      apiEntity: 'task',
      schema: 'groups/task.json',
      args: ['status'],
      fileContent: false,
      fields: {
        status: { wire: 'status', name: 'status', kind: 'string', enum: ['Not Started', 'In Progress', 'Completed', 'Waiting on Someone', 'Deferred'] },
        dueDate: { wire: 'dueDate', name: 'dueDate', kind: 'date' },
      },
    });
  });

  it('types: Task and the AnyGroup union member', () => {
    const types = files.get('types/index.ts')!;
    expect(typeBlock(types, 'Task')).toMatch(/^export type Task = GroupBase & \{\n  type: 'Task';\n  status\?: 'Not Started' \| 'In Progress' \| 'Completed' \| 'Waiting on Someone' \| 'Deferred';\n  dueDate\?: TcDate;\n\};$/);
    expect(typeBlock(types, 'AnyGroup')).toContain('| Task\n');
  });

  it('validators: validateTask, the groupValidators entry, the builder', () => {
    const index = files.get('validators/index.ts')!;
    expect(index).toContain('export function validateTask(data: unknown): ValidationResult<T.Task> {');
    expect(index).toContain('  Task: validateTask,\n');
    expect(files.get('builders/index.ts')).toContain('class TaskBuilder extends GroupFields');
  });

  it('the Task validator and the content union apply the new schema', () => {
    const task = { name: 'Triage', type: 'Task', xid: 't-1', status: 'Deferred', dueDate: '2024-09-01T00:00:00Z' };
    expect(outcome(runValidator(raw.validateTask!, task))).toBe('valid');
    expect(outcome(runValidator(raw.validateTask!, { ...task, status: 'Done', name: 'n'.repeat(101) }))).toEqual([
      { pointer: '/name', keyword: 'maxLength', rule: RULE.groupName, value: 'n'.repeat(101) },
      { pointer: '/status', keyword: 'enum', rule: 'Task status is one of TC task statuses', value: 'Done' },
    ]);
    expect(outcome(runValidator(raw.validateBatchContent!, { group: [task] }))).toBe('valid');
    expect(outcome(runValidator(raw.validateBatchContent!, { group: [{ type: 'File Drop', xid: 'x' }] }))).toEqual([
      {
        pointer: '/group/0',
        keyword: 'discriminator',
        rule: `a group type is one of ${[...GROUP_TYPES.slice(0, 13), 'Task', ...GROUP_TYPES.slice(13)].join(', ')} (ThreatConnect REST API: group types)`,
        value: { type: 'File Drop', xid: 'x' },
      },
    ]);
  });
});
