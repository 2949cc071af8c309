/**
 * Tests page (Alpine component): run the suite, follow the active run.
 * Compliant with BG-040 and BG-041; its stopwatch ticks every second on purpose.
 */
document.addEventListener('alpine:init', () => {
    Alpine.data('testRunner', () => ({
        activeTask: null,
        pollInterval: null,
        stopwatch: null,
        elapsed: 0,

        async init() {
            this.activeTask = await BackgroundTasks.findActive('test_run');
            if (this.activeTask) {
                this.startPolling();
            }
        },

        async runTests() {
            const response = await fetch('/api/v1/admin/tests/run', { method: 'POST' });
            const { run_id } = await response.json();
            this.activeTask = await BackgroundTasks.status('test_run', run_id);
            this.startPolling();
        },

        startPolling() {
            this.elapsed = 0;
            this.pollInterval = setInterval(() => this.pollStatus(), 3000);
            // A visible stopwatch, not a status poll.
            // archrules: ignore[BG-041]
            this.stopwatch = setInterval(() => this.elapsed++, 1000);
        },

        async pollStatus() {
            this.activeTask = await BackgroundTasks.status('test_run', this.activeTask.id);
            if (!BackgroundTasks.isActive(this.activeTask)) {
                clearInterval(this.pollInterval);
                clearInterval(this.stopwatch);
            }
        },
    }));
});
