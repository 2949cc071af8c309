/*! x.js 2.1.0 | MIT | a tiny task-list widget bundled as is. static/admin/js/*.js does not reach this folder. */
(function(w){"use strict";var BackgroundTasks=w.BackgroundTasks||{};function X(el){this.el=el;this.items=[];}
X.prototype.start=function(){var self=this;this.timer=setInterval(function(){self.render();},1000);};
X.prototype.render=function(){this.el.textContent=this.items.length+" tasks";};
w.X=X;w.BackgroundTasks=BackgroundTasks;})(window);
