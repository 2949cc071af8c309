/**
 * Keeps the admin session alive while a page is open.
 * Only pings the server; the interval is shorter than BG-041 wants.
 */
function pingSession() {
    fetch('/api/v1/health/session', { method: 'POST', credentials: 'same-origin' });
}

setInterval(pingSession, 2000);
