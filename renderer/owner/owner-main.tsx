/** Entry of the owner's page: the admin token is asked for once per browser tab (sessionStorage). */
import { createRoot } from 'react-dom/client';
import { OwnerApp } from './owner-app.tsx';

const root = document.getElementById('root');
if (root)
  createRoot(root).render(<OwnerApp fetcher={window.fetch.bind(window)} storage={window.sessionStorage} />);
