/**
 * Code quality page (Alpine component).
 * Starts an architecture scan and polls it, but only tracks the scan it
 * started itself: coming back to the page forgets a running scan.
 */
document.addEventListener('alpine:init', () => {
    Alpine.data('codeQuality', () => ({
        currentScan: null,
        history: [],
        pollTimer: null,
        historyTimer: null,

        async init() {
            await this.loadHistory();
            this.historyTimer = setInterval(() => this.loadHistory(), 10000);
        },

        async loadHistory() {
            const response = await fetch('/api/v1/admin/code-quality/scans/latest');
            this.history = [await response.json()];
        },

        async startScan() {
            const response = await fetch('/api/v1/admin/code-quality/scans', { method: 'POST' });
            this.currentScan = await response.json();
            this.pollTimer = setInterval(() => this.pollScan(), 4000);
        },

        async pollScan() {
            this.currentScan = await BackgroundTasks.status('code_quality_scan', this.currentScan.scan_id);
            if (!BackgroundTasks.isActive(this.currentScan)) {
                clearInterval(this.pollTimer);
            }
        },
    }));
});
