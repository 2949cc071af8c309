/**
 * Marketplace imports page (Alpine component).
 * Starts product imports and, when the admin comes back to the page, shows the
 * import still running. Compliant with BG-040 and BG-041.
 */
document.addEventListener('alpine:init', () => {
    Alpine.data('marketplaceImports', () => ({
        activeTask: null,
        pollInterval: null,
        sourceUrl: '',

        async init() {
            this.activeTask = await BackgroundTasks.findActive('product_import');
            if (this.activeTask) {
                this.startPolling();
            }
        },

        async startImport() {
            const response = await fetch('/api/v1/marketplace/import', {
                method: 'POST',
                headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ marketplace: 'amazon', source_url: this.sourceUrl }),
            });
            const { job_id } = await response.json();
            this.activeTask = await BackgroundTasks.status('product_import', job_id);
            this.startPolling();
        },

        startPolling() {
            clearInterval(this.pollInterval);
            this.pollInterval = setInterval(() => this.pollStatus(), 5000);
        },

        async pollStatus() {
            this.activeTask = await BackgroundTasks.status('product_import', this.activeTask.id);
            if (!BackgroundTasks.isActive(this.activeTask)) {
                clearInterval(this.pollInterval);
            }
        },
    }));
});
