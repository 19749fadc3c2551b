import { memberships, signOut, switchOrganization, whoAmI, type Membership } from './api/auth.js';
import { isSignedIn, session } from './api/session.js';
import { navigate } from './router.js';
import { useStore } from './store.js';
import { Link } from './ui/link.js';
import { useAsync } from './ui/use-async.js';

/** Who is signed in, the organization switcher and sign-out; a sign-in link for anonymous visitors. */
export function AccountMenu() {
  const current = useStore(session);
  const signedIn = isSignedIn(current);
  const identity = useAsync(async () => (signedIn ? whoAmI() : null), [signedIn, signedIn ? current.organizationId : null]);
  const organizations = useAsync(async (): Promise<Membership[]> => {
    if (current.kind !== 'token') return [];
    return memberships();
  }, [current.kind]);

  if (!signedIn)
    return (
      <div class="account">
        <Link href="/sign-in" class="button">
          Sign in
        </Link>
      </div>
    );

  const who = identity.data;
  const choices = organizations.data ?? [];
  const label = current.kind === 'token' ? current.email : `API key ${who?.api_key?.prefix ?? ''}…`;
  return (
    <div class="account">
      {choices.length > 1 ? (
        <label class="org-switch">
          <span class="visually-hidden">Organization</span>
          <select value={current.organizationId ?? ''} onChange={(event) => switchOrganization((event.target as HTMLSelectElement).value)}>
            {choices.map((organization) => (
              <option key={organization.id} value={organization.id}>
                {organization.name} ({organization.role})
              </option>
            ))}
          </select>
        </label>
      ) : (
        <span class="org-name" data-testid="organization">
          {who?.organization?.name ?? ''}
        </span>
      )}
      <span class="who" title={label} data-testid="signed-in-as">
        {label}
      </span>
      <button
        type="button"
        onClick={() => {
          signOut();
          navigate('/');
        }}
      >
        Sign out
      </button>
    </div>
  );
}
