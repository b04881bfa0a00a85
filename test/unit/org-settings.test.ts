import { customer, portalActor } from '../../shared/domain/actor';
import { ManualClock } from '../../shared/domain/clock';
import { ConcurrentChangeError, ForbiddenError, ValidationError } from '../../shared/domain/errors';
import type { GrantDeps } from '../../shared/domain/grant-service';
import type { UserProfile } from '../../shared/domain/model';
import { assertMayManageSettings, parseSettings, updateSettings } from '../../shared/domain/org-settings';
import { MemoryStore } from '../support/memory-store';
import { buildOrg } from '../support/org-builder';

const platform = { maxGrantHours: 4320, minGrantSeconds: 3600 };
const form = (over: Record<string, string | undefined> = {}) => ({
  remoteAccessPolicy: 'all_cases',
  defaultGrantHours: '24',
  maxGrantHours: '48',
  authorizedContacts: 'sec@o.test',
  supportLevel: 'monitor',
  supportScope: 'all',
  requiredApprovals: '1',
  ...over,
});
const org = buildOrg('o1', {}, { authorizedContacts: ['sec@o.test'] });

/** The one field's message a form is refused with. */
function refusal(over: Record<string, string | undefined>, on = org, limits = platform): Record<string, string> {
  try {
    parseSettings(form(over), on, limits);
  } catch (error) {
    if (error instanceof ValidationError) return error.fields;
    throw error;
  }
  throw new Error('accepted');
}

describe('the settings form, field by field', () => {
  test('defaults of the form: no non-admin grants unless ticked ("on" or "true"), whole account unless workspaces chosen', () => {
    expect(parseSettings(form(), org, platform)).toEqual({
      remoteAccessPolicy: 'all_cases',
      allowNonAdminGrants: false,
      defaultGrantHours: 24,
      maxGrantHours: 48,
      authorizedContacts: ['sec@o.test'],
      supportProfile: { level: 'monitor', workspaces: 'all' },
      requiredApprovals: 1,
    });
    expect(parseSettings(form({ allowNonAdminGrants: 'true' }), org, platform).allowNonAdminGrants).toBe(true);
    expect(parseSettings(form({ allowNonAdminGrants: 'yes' }), org, platform).allowNonAdminGrants).toBe(false);
  });

  test.each([
    [{ maxGrantHours: '' }, { maxGrantHours: 'The maximum grant must be a number of hours.' }],
    [{ maxGrantHours: undefined }, { maxGrantHours: 'The maximum grant must be a number of hours.' }],
    [{ maxGrantHours: '0.5' }, { maxGrantHours: 'The maximum grant must be between 1 and 4320 hours.' }],
    [{ maxGrantHours: '4321' }, { maxGrantHours: 'The maximum grant must be between 1 and 4320 hours.' }],
    [{ maxGrantHours: 'lots' }, { maxGrantHours: 'The maximum grant must be a plain decimal number like 2 or 0.5, not "lots".' }],
    [{ defaultGrantHours: '0.5' }, { defaultGrantHours: 'The default grant must be between 1 and 48 hours.' }],
    [{ defaultGrantHours: '49' }, { defaultGrantHours: 'The default grant must be between 1 and 48 hours.' }],
    [{ remoteAccessPolicy: 'sometimes' }, { remoteAccessPolicy: 'Choose a remote-access policy.' }],
    [{ supportLevel: 'root' }, { supportLevel: 'The support profile level must be one of monitor, manage, admin.' }],
    [{ supportScope: 'workspaces', supportWorkspaces: '' }, { supportWorkspaces: 'Choose at least one workspace for the support profile.' }],
    [{ supportScope: 'workspaces', supportWorkspaces: 'sales, atlantis' }, { supportWorkspaces: 'Unknown workspace: atlantis.' }],
    [{ requiredApprovals: '0' }, { requiredApprovals: 'Required approvals must be 1, 2 or 3.' }],
    [{ requiredApprovals: '4' }, { requiredApprovals: 'Required approvals must be 1, 2 or 3.' }],
    [{ requiredApprovals: '2.0' }, { requiredApprovals: 'Required approvals must be 1, 2 or 3.' }],
    [{ requiredApprovals: ' 2' }, { requiredApprovals: 'Required approvals must be 1, 2 or 3.' }],
    [{ authorizedContacts: "ok@o.test, nope, also bad@" }, { authorizedContacts: "Not an email address: nope, also, bad@." }],
    [{ authorizedContacts: `${'x'.repeat(250)}@o.test` }, { authorizedContacts: `Not an email address: ${'x'.repeat(250)}@o.test.` }],
    [{ authorizedContacts: 'a\u0007b@o.test' }, { authorizedContacts: 'Not an email address: a\u0007b@o.test.' }],
    [{ authorizedContacts: Array.from({ length: 21 }, (_, i) => `p${i}@o.test`).join('\n') }, { authorizedContacts: 'At most 20 authorized contacts.' }],
  ])('%j → %j', (over, fields) => {
    expect(refusal(over)).toEqual(fields);
  });

  test('the default may be the longest; the bounds themselves are allowed; the platform\'s minimum grant bounds the default', () => {
    expect(parseSettings(form({ defaultGrantHours: '48', maxGrantHours: '48' }), org, platform)).toMatchObject({ defaultGrantHours: 48, maxGrantHours: 48 });
    expect(parseSettings(form({ defaultGrantHours: '1', maxGrantHours: '4320' }), org, platform)).toMatchObject({ defaultGrantHours: 1, maxGrantHours: 4320 });
    expect(parseSettings(form({ defaultGrantHours: '0.5' }), org, { maxGrantHours: 4320, minGrantSeconds: 1800 }).defaultGrantHours).toBe(0.5);
    // With the longest invalid, the default is bounded by the platform's.
    expect(refusal({ maxGrantHours: 'x', defaultGrantHours: '5000' })).toMatchObject({ defaultGrantHours: 'The default grant must be between 1 and 4320 hours.' });
  });

  test('contacts: split on spaces, commas and semicolons, lower-cased, deduplicated; exactly 20 is fine', () => {
    expect(parseSettings(form({ authorizedContacts: ' Sec@O.test;ops@o.test, sec@o.test\nOPS@o.test ' }), org, platform).authorizedContacts).toEqual(['sec@o.test', 'ops@o.test']);
    expect(parseSettings(form({ authorizedContacts: Array.from({ length: 20 }, (_, i) => `p${i}@o.test`).join(' ') }), org, platform).authorizedContacts).toHaveLength(20);
  });

  test('removing every contact must be confirmed; with none before, or confirmed, it is allowed', () => {
    expect(refusal({ authorizedContacts: '' })).toEqual({ authorizedContacts: expect.stringContaining('This removes every authorized contact') });
    expect(parseSettings(form({ authorizedContacts: ' ', confirmNoContacts: 'yes' }), org, platform).authorizedContacts).toEqual([]);
    expect(parseSettings(form({ authorizedContacts: '' }), buildOrg('o1'), platform).authorizedContacts).toEqual([]);
    const error = (() => {
      try {
        parseSettings(form({ authorizedContacts: '' }), org, platform);
      } catch (e) {
        return e as ValidationError;
      }
    })()!;
    expect(error.code).toBe('invalid_input');
  });

  test('workspaces for the support profile: trimmed, known ones only', () => {
    expect(parseSettings(form({ supportScope: 'workspaces', supportWorkspaces: ' sales ,support,' }), org, platform).supportProfile).toEqual({ level: 'monitor', workspaces: ['sales', 'support'] });
  });

  test('every bad field is reported at once, the first as the error\'s field', () => {
    const error = (() => {
      try {
        parseSettings(form({ remoteAccessPolicy: 'x', requiredApprovals: '9', supportLevel: 'root' }), org, platform);
      } catch (e) {
        return e as ValidationError;
      }
    })()!;
    expect(error.field).toBe('remoteAccessPolicy');
    expect(Object.keys(error.fields)).toEqual(['remoteAccessPolicy', 'supportLevel', 'requiredApprovals']);
  });
});

describe('changing the settings', () => {
  const ada: UserProfile = { email: 'ada@o1.test', orgId: 'o1', name: 'Ada', role: 'admin', level: 'admin', workspaces: 'all' };
  const uma: UserProfile = { ...ada, email: 'uma@o1.test', role: 'user' };
  const world = () => {
    const store = new MemoryStore();
    store.orgs.set('o1', { ...org, version: 3 });
    const deps = { store, clock: new ManualClock(new Date('2026-05-01T00:00:00.000Z')), limits: platform } as unknown as GrantDeps;
    return { store, deps };
  };

  test('only what changed is audited, before and after, and the version moves on', async () => {
    const { store, deps } = world();
    const updated = await updateSettings(deps, customer(ada), form({ maxGrantHours: '72', requiredApprovals: '2', authorizedContacts: 'sec@o.test' }));
    expect(updated.version).toBe(4);
    expect(store.orgs.get('o1')!.settings.maxGrantHours).toBe(72);
    expect(store.audit.get('o1')!.map((e) => [e.action, e.actor, e.before, e.after])).toEqual([
      [
        'org.settings_changed',
        { type: 'user', id: ada.email, email: ada.email },
        { remoteAccessPolicy: 'approval_needed', defaultGrantHours: 120, maxGrantHours: 336, requiredApprovals: 1 },
        { remoteAccessPolicy: 'all_cases', defaultGrantHours: 24, maxGrantHours: 72, requiredApprovals: 2 },
      ],
    ]);
  });

  test('saving without a change writes nothing', async () => {
    const { store, deps } = world();
    const same = form({ remoteAccessPolicy: 'approval_needed', defaultGrantHours: '120', maxGrantHours: '336', authorizedContacts: 'sec@o.test' });
    await updateSettings(deps, customer(ada), same);
    expect(store.committed).toEqual([]);
    expect((await updateSettings(deps, customer(ada), same)).version).toBe(3);
  });

  test('a non-admin and a "log in as" session are refused; a change that lost a race is refused', async () => {
    const { store, deps } = world();
    await expect(updateSettings(deps, customer(uma), form())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(updateSettings(deps, portalActor(ada, 'alex@vendor.test'), form())).rejects.toThrow('in person');
    expect(() => assertMayManageSettings(uma)).toThrow("Only an administrator can see and change the organization's settings.");
    expect(() => assertMayManageSettings(ada)).not.toThrow();
    const commit = store.commit.bind(store);
    store.commit = async (change) => {
      store.orgs.set('o1', { ...store.orgs.get('o1')!, version: 9 });
      return commit(change);
    };
    await expect(updateSettings(deps, customer(ada), form())).rejects.toBeInstanceOf(ConcurrentChangeError);
  });
});
