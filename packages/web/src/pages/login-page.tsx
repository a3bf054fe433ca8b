import { useState, type FormEvent } from 'react';
import { api, session, type User } from '../api-client.ts';

export function LoginPage({ onSignedIn }: { onSignedIn: (u: User) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Members sign in with the sign-in their health plan gave them for connecting apps.
  const [asMember, setAsMember] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = asMember ? await api.memberLogin(username, password) : await api.login(username, password);
      session.set(r.token);
      onSignedIn(r.user);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="login">
      <form onSubmit={submit} className="card">
        <h1>Tandem</h1>
        <p className="muted">{asMember ? 'Members: your data, who received it, and your choices.' : 'One view of the same claims for the health plan and its providers.'}</p>
        <label>
          Username
          <input data-testid="login-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" required />
        </label>
        <label>
          Password
          <input data-testid="login-password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        </label>
        {error && <p data-testid="login-error" className="error" role="alert">{error}</p>}
        <button data-testid="login-submit" type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
        <label className="check">
          <input type="checkbox" data-testid="login-as-member" checked={asMember} onChange={(e) => setAsMember(e.target.checked)} /> I am a member of the health plan
        </label>
        <p className="muted small">Demo accounts are printed by <code>npm start</code> and listed in the README.</p>
      </form>
    </main>
  );
}
