import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, ApiError, session, type User } from './api-client.ts';
import { ClaimDetailPage } from './pages/claim-detail-page.tsx';
import { ClaimsPage } from './pages/claims-page.tsx';
import { ContractMemberPage } from './pages/contract-member-page.tsx';
import { ContractsPage } from './pages/contracts-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { PriorAuthDetailPage } from './pages/prior-auth-detail-page.tsx';
import { PriorAuthPage } from './pages/prior-auth-page.tsx';
import { MemberAccessPage } from './pages/member-access-page.tsx';
import { MemberHomePage } from './pages/member-home-page.tsx';
import { QualityMemberPage } from './pages/quality-member-page.tsx';
import { QualityPage } from './pages/quality-page.tsx';
import { SettlementPage } from './pages/settlement-page.tsx';
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
  // A member's own session: their page only (the server refuses everything else to it).
  if (user.role === 'member')
    return (
      <div className="app">
        <header className="top">
          <span className="brand">Tandem</span>
          <span data-testid="current-org" className="org">Member — {user.org.name}</span>
          <span className="muted">{user.displayName}</span>
          <button data-testid="sign-out" onClick={signOut}>Sign out</button>
        </header>
        {error && <p className="error banner" role="alert">{error} <button onClick={() => setError(null)}>dismiss</button></p>}
        <main><MemberHomePage user={user} onError={onError} /></main>
      </div>
    );
  const claimId = /^#\/claims\/(.+)$/.exec(hash)?.[1];
  const member = /^#\/contracts\/([^/]+)\/(\d{4})\/members\/(.+)$/.exec(hash);
  const contract = /^#\/contracts(?:\/([^/]+)(?:\/(\d{4}))?)?$/.exec(hash);
  const settlementId = /^#\/settlements\/(.+)$/.exec(hash)?.[1];
  const memberAccess = /^#\/members(?:\/(.+))?$/.exec(hash);
  const onContracts = hash.startsWith('#/contracts') || hash.startsWith('#/settlements');
  const priorAuth = /^#\/prior-auth(?:\/(.+))?$/.exec(hash);
  const canRun = user.org.type === 'payer' && (user.role === 'admin' || user.role === 'analyst');
  const canEditTerms = user.org.type === 'payer' && user.role === 'admin';
  const d = decodeURIComponent;
  const quality = /^#\/quality(?:\/(\d{4})(?:\/members\/(.+))?)?$/.exec(hash);
  const page = quality ? (quality[2] ? <QualityMemberPage year={Number(quality[1])} memberKey={d(quality[2])} onError={onError} /> : <QualityPage year={quality[1] ? Number(quality[1]) : null} onError={onError} />)
    : memberAccess ? <MemberAccessPage memberKey={memberAccess[1] ? d(memberAccess[1]) : null} onError={onError} />
    : priorAuth ? (priorAuth[1] ? <PriorAuthDetailPage id={d(priorAuth[1])} user={user} onError={onError} /> : <PriorAuthPage user={user} onError={onError} />)
    : member ? <ContractMemberPage contractId={d(member[1]!)} year={Number(member[2])} memberKey={d(member[3]!)} onError={onError} />
    : contract ? <ContractsPage contractId={contract[1] ? d(contract[1]) : null} year={contract[2] ? Number(contract[2]) : null} canRun={canRun} canEditTerms={canEditTerms} onError={onError} />
      : settlementId ? <SettlementPage id={d(settlementId)} onError={onError} />
        : claimId ? <ClaimDetailPage id={d(claimId)} onError={onError} /> : <ClaimsPage onError={onError} />;
  return (
    <div className="app">
      <header className="top">
        <a href="#/" className="brand">Tandem</a>
        <nav className="tabs">
          <a href="#/" data-testid="nav-claims" className={onContracts || priorAuth || memberAccess || quality ? '' : 'active'}>Claims</a>
          <a href="#/contracts" data-testid="nav-contracts" className={onContracts ? 'active' : ''}>Contracts</a>
          <a href="#/quality" data-testid="nav-quality" className={quality ? 'active' : ''}>Quality</a>
          <a href="#/prior-auth" data-testid="nav-prior-auth" className={priorAuth ? 'active' : ''}>Prior auth</a>
          {user.org.type === 'payer' && <a href="#/members" data-testid="nav-members" className={memberAccess ? 'active' : ''}>Members</a>}
        </nav>
        <span data-testid="current-org" className="org">
          {user.org.type === 'payer' ? 'Payer view' : 'Provider view'} — {user.org.name}
        </span>
        <span className="muted">{user.displayName} · {user.role}</span>
        <button data-testid="sign-out" onClick={signOut}>Sign out</button>
      </header>
      {error && <p className="error banner" role="alert">{error} <button onClick={() => setError(null)}>dismiss</button></p>}
      <main>{page}</main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
