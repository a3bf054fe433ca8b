import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, ApiError, session, type User } from './api-client.ts';
import { ClaimDetailPage } from './pages/claim-detail-page.tsx';
import { ClaimsPage } from './pages/claims-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import './styles.css';

function useHashRoute(): string {
  const [hash, setHash] = useState(window.location.hash);
  useEffect(() => {
    const on = () => setHash(window.location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

function App() {
  const [user, setUser] = useState<User | null>(null);
  const [checking, setChecking] = useState(!!session.token());
  const [error, setError] = useState<string | null>(null);
  const hash = useHashRoute();
  const signOut = useCallback(() => {
    session.clear();
    setUser(null);
  }, []);
  const onError = useCallback((e: unknown) => {
    if (e instanceof ApiError && e.status === 401) signOut();
    else setError((e as Error).message);
  }, [signOut]);
  useEffect(() => {
    if (!session.token()) return;
    api.me().then(setUser, () => session.clear()).finally(() => setChecking(false));
  }, []);
  if (checking) return null;
  if (!user) return <LoginPage onSignedIn={setUser} />;
  const claimId = /^#\/claims\/(.+)$/.exec(hash)?.[1];
  return (
    <div className="app">
      <header className="top">
        <a href="#/" className="brand">Tandem</a>
        <span data-testid="current-org" className="org">
          {user.org.type === 'payer' ? 'Payer view' : 'Provider view'} — {user.org.name}
        </span>
        <span className="muted">{user.displayName} · {user.role}</span>
        <button data-testid="sign-out" onClick={signOut}>Sign out</button>
      </header>
      {error && <p className="error banner" role="alert">{error} <button onClick={() => setError(null)}>dismiss</button></p>}
      <main>{claimId ? <ClaimDetailPage id={decodeURIComponent(claimId)} onError={onError} /> : <ClaimsPage onError={onError} />}</main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
