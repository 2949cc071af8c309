/**
 * BackgroundTasks: the front-end client of /api/v1/admin/background-tasks.
 * Shared by every page that starts a task (static/admin/js/*.js).
 */
window.BackgroundTasks = {
    async findActive(taskType) {
        const response = await fetch(`/api/v1/admin/background-tasks/${taskType}/active`);
        return response.ok ? response.json() : null;
    },

    async status(taskType, id) {
        const response = await fetch(`/api/v1/admin/background-tasks/${taskType}/${id}`);
        return response.json();
    },

    isActive(task) {
        return Boolean(task) && ['pending', 'running'].includes(task.status);
    },
};
