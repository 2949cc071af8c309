/**
 * Admin dashboard (Alpine component): shop statistics and a live clock.
 * It starts no task, so BG-040 does not apply to it.
 */
document.addEventListener('alpine:init', () => {
    Alpine.data('dashboard', () => ({
        stats: {},
        statsTimer: null,
        clock: null,
        now: new Date(),

        init() {
            this.refresh();
            this.statsTimer = setInterval(() => this.refresh(), 5000);
            this.clock = { icon: '⏱️', label: 'Mise à jour 🚀', timer: setInterval(() => this.tick(), 1000) };
        },

        async refresh() {
            const response = await fetch('/api/v1/admin/stats');
            this.stats = await response.json();
        },

        tick() {
            this.now = new Date();
        },
    }));
});
