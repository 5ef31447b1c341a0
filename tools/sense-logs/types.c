/*
 * The log types sense-logs writes. Headers are copied byte for byte from
 * shared/fixtures/logfiles/<Service>_<Type>.txt; the events imitate the
 * fixture rows (qlik-sense.md 5.4-5.6). No text holds a TAB or a line
 * break: row.c adds those only where asked to.
 */
#include "sense-logs.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

#define V_ENGINE "14.187.4"
#define V_SERVICES "30.31.4"

#define H_AUDIT "Sequence#\tProductVersion\tTimestamp\tHostname\tId\tDescription\tProxySessionId\t" \
	"ProxyPackageId\tRequestSequenceId\tUserDirectory\tUserId\tObjectId\tObjectName\tService\t" \
	"Origin\tContext\tCommand\tResult\tMessage\tId2"
#define H_SERVICE "Sequence#\tProductVersion\tTimestamp\tSeverity\tHostname\tId\tDescription\t" \
	"ProxySessionId\tProxyPackageId\tRequestSequenceId\tUserDirectory\tUserId\tObjectId\t" \
	"ObjectName\tService\tOrigin\tContext\tCommand\tResult\tMessage\tId2"
#define H_TRACE_COMMON "Sequence#\tTimestamp\tLevel\tHostname\tLogger\tThread\tId\tServiceUser\t"
#define H_SYSTEM H_TRACE_COMMON "Message\tException\tStackTrace\tProxySessionId\tProxyPackageId\t" \
	"RequestSequenceId\tUserDirectory\tUserId\tCommand\tResult\tOrigin\tContext\tId2"
#define H_SCHED_SYSTEM H_TRACE_COMMON "Message\tException\tStackTrace\tProxySessionId\t" \
	"ProxyPackageId\tRequestSequenceId\tUserDirectory\tUserId\tUser\tTaskName\tAppName\tTaskId\t" \
	"AppId\tExecutionId\tId2"
#define H_ENGINE_SYSTEM H_TRACE_COMMON "Message\tProxySessionId\tActiveUserDirectory\tActiveUserId\t" \
	"EngineTimestamp\tEngineThread\tProcessId\tExe Version\tServer Started\tEntry Type\tSessionId\t" \
	"AppId\tId2"
#define H_PERFORMANCE H_TRACE_COMMON "Message\tProcessId\tExe Version\tServer Started\t" \
	"ActiveDocSessions\tDocSessions\tActiveDocs\tRefDocs\tLoadedDocs\tCalls\tSelections\t" \
	"ActiveUsers\tUsers\tCPULoad\tVMCommitted(MB)\tVMAllocated(MB)\tVMFree(MB)\t" \
	"TotalPhysicalMemory(MB)\tId2"
#define H_SESSION H_TRACE_COMMON "Message\tProxySessionId\tActiveUserDirectory\tActiveUserId\t" \
	"EngineTimestamp\tProcessId\tExe Version\tServer Started\tAppId\tApp Title\tSessionId\t" \
	"Session Start\tSession Duration\tCPU Spent (s)\tBytes Received\tBytes Sent\tCalls\t" \
	"Selections\tExit Reason\tId2"
#define H_QIXPERF H_TRACE_COMMON "ProxySessionId\tActiveUserDirectory\tActiveUserId\t" \
	"EngineTimestamp\tCServerId\tDocId\tRequestId\tMethod\tProcessTime\tWorkTime\tLockTime\t" \
	"ValidateTime\tTraverseTime\tHandle\tObjectId\tNetRAM\tPeakRAM\tObjectType\tId2"

#define UA "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) " \
	"Chrome/130.0.0.0 Safari/537.36"
#define OK 0, "Success"

/* logger, command, result, result text, origin, context, message, internal user, app, exception */

static const struct event engine_audit[] = {
	{ NULL, "Open app", OK, "AppAccess", "", "@I", NULL, true, NULL },
	{ NULL, "Close app", OK, "AppAccess", "", "App '@A' closed", NULL, true, NULL },
	{ NULL, "Reload app", OK, "Scheduler", "", "Reload of app @I started", "sa_scheduler", true, NULL },
	{ NULL, "Save app", OK, "AppAccess", "", "App '@A' saved", NULL, true, NULL },
};
static const struct event engine_audit_bad[] = {
	{ NULL, "Open app", 1009, "Error: Security", "AppAccess", "", "@I", NULL, true, NULL },
	{ NULL, "Open app", 9003, "Error: File not found", "AppAccess", "", "QVF header error (read)",
	    NULL, true, NULL },
};

static const struct event engine_system[] = {
	{ "System.Engine.Engine", NULL, OK, "", "", "Document @I opened", NULL, true, NULL },
	{ "System.Engine.Engine", NULL, OK, "", "", "Document @I closed", NULL, true, NULL },
	{ "System.Engine.Engine", NULL, OK, "", "",
	    "DocumentDirectory: C:\\ProgramData\\Qlik\\Sense\\Apps", "", false, NULL },
	{ "System.Engine.Engine", NULL, OK, "", "", "Request handled", NULL, true, NULL },
};
static const struct event engine_system_bad[] = {
	{ "System.Engine.Engine", NULL, OK, "", "", "Document @I failed to open: QVF header error (read)",
	    NULL, true, NULL },
	{ "System.Engine.Engine", NULL, OK, "", "", "Memory usage above the warning threshold", "",
	    false, NULL },
};

static const struct event engine_perf[] = {
	{ "Performance.Engine.Engine", NULL, OK, "", "", "Performance counters", "", false, NULL },
};

static const struct event engine_session[] = {
	{ "Session.Engine.Engine", NULL, OK, "", "", "Session ended", NULL, true, NULL },
};

static const struct event engine_qixperf[] = {
	{ "QixPerformance.Engine.Engine", NULL, OK, "", "", "", NULL, true, NULL },
};

static const struct event proxy_audit[] = {
	{ NULL, "Start session", OK, "AppAccess", "/hub/", "Start session for user '@U' UserAgent: '" UA "'",
	    NULL, false, NULL },
	{ NULL, "Open connection", OK, "AppAccess", "/app/@I",
	    "Websocket connection Opened for session '@S' UserAgent: '" UA "'", NULL, true, NULL },
	{ NULL, "Close connection", OK, "AppAccess", "/app/@I",
	    "Websocket connection Closed for session '@S'", NULL, true, NULL },
	{ NULL, "Stop session", OK, "AppAccess", "/hub/", "Stop session for user '@U'", NULL, false, NULL },
};
static const struct event proxy_audit_bad[] = {
	{ NULL, "Open connection", 403, "Error: Forbidden", "AppAccess", "/app/@I",
	    "Access to app '@A' denied for user '@U'", NULL, true, NULL },
};

static const struct event proxy_security[] = {
	{ NULL, "Login", OK, "Windows authentication", "/",
	    "User '@U' authenticated using Windows authentication on virtual proxy ''", NULL, false, NULL },
	{ NULL, "Logout", OK, "Windows authentication", "/", "User '@U' logged out", NULL, false, NULL },
	{ NULL, "Issue ticket", OK, "Ticket", "/", "Ticket issued for user '@U'", NULL, false, NULL },
};
static const struct event proxy_security_bad[] = {
	{ NULL, "Login", 401, "Error: Unauthorized", "Header authentication", "/hdr/",
	    "Header authentication failed on virtual proxy 'hdr': header 'X-Qlik-HeaderAuth' missing",
	    "", false, NULL },
};

static const struct event proxy_service[] = {
	{ NULL, "Load settings", OK, "", "", "Listening on port 443 (https) and 4243 (REST API)", "System",
	    false, NULL },
	{ NULL, "Forward request", OK, "AppAccess", "/app/@I", "Request for app '@A' forwarded to @H:4747",
	    NULL, true, NULL },
	{ NULL, "Load certificate", OK, "", "", "Using SSL certificate issued by 'CN=@H-CA'", "System",
	    false, NULL },
};
static const struct event proxy_service_bad[] = {
	{ NULL, "Connect repository", 503, "Error: Service unavailable", "", "",
	    "Repository not reachable, retrying in 10 s", "System", false, NULL },
};

static const struct event proxy_system[] = {
	{ "System.Proxy.Proxy.Core.QPSMain", NULL, OK, "", "",
	    "Settings has been updated but will not take effect until bootstrap mode has been run on the "
	    "repository", "", false, NULL },
	{ "System.Proxy.Proxy.Core.Certificates.CertificateHandler", NULL, OK, "", "",
	    "Using certificate 'CN=@H' issued by 'CN=@H-CA'", "", false, NULL },
	{ "System.Proxy.Proxy.SessionManagement.DefaultSessionModule", "Start session", OK, "AppAccess",
	    "/hub/", "Session '@S' created for user '@U'", NULL, false, NULL },
	{ "System.Proxy.Proxy.Core.RequestHandler", "Forward request", OK, "AppAccess", "/app/@I",
	    "Request handled", NULL, true, NULL },
};
static const struct event proxy_system_bad[] = {
	{ "System.Proxy.Qlik.Sense.Common.Communication.Server.HttpConnectionQueueHandler", NULL, OK, "", "",
	    "Unanticipated exception", "", false, "Object reference not set to an instance of an object." },
	{ "System.Proxy.Proxy.Core.RepositoryClient", NULL, OK, "", "",
	    "Repository not reachable, retrying in 10 s", "", false, "Unable to connect to the remote server" },
};

static const struct event repo_audit[] = {
	{ NULL, "Open app", OK, "AppAccess", "/app/@I", "App '@A' opened", NULL, true, NULL },
	{ NULL, "Start task", OK, "Scheduler", "", "Task 'Reload @A' started by trigger", "sa_scheduler",
	    true, NULL },
	{ NULL, "Update app", OK, "AppAccess", "/qrs/app/@I", "App '@A' updated", NULL, true, NULL },
};
static const struct event repo_audit_bad[] = {
	{ NULL, "Export app", 403, "Error: Forbidden", "AppAccess", "/qrs/app/@I/export",
	    "Export of app '@A' denied for user '@U'", NULL, true, NULL },
};

static const struct event repo_service[] = {
	{ NULL, "Read system information", OK, "", "",
	    "Total amount of system physical RAM available is: 34359738368 bytes", "System", false, NULL },
	{ NULL, "Read system information", OK, "", "", "Number of logical processors: 8", "System",
	    false, NULL },
	{ NULL, "Update app", OK, "AppAccess", "/qrs/app/@I", "App '@A' updated by '@U'", NULL, true, NULL },
};
static const struct event repo_service_bad[] = {
	{ NULL, "Database connection", 500, "Error: Internal", "", "",
	    "Exception while reading from stream", "System", false, NULL },
};

static const struct event repo_system[] = {
	{ "System.Repository.Repository.Core.Status.EngineHealthCheckWorker", NULL, OK, "", "",
	    "Engine health check on https://@H:4747/engine/healthcheck/ succeeded", "", false, NULL },
	{ "System.Repository.Repository.Core.BackgroundWork.BackgroundWorkScheduler", NULL, OK, "", "",
	    "Starting background work 'UserSync'", "", false, NULL },
	{ "System.Repository.Repository.Core.Resources.AppManager", "Update app", OK, "AppAccess",
	    "/qrs/app/@I", "App '@A' updated", NULL, true, NULL },
};
static const struct event repo_system_bad[] = {
	{ "System.Repository.Repository.Core.Status.EngineHealthCheckWorker", NULL, OK, "", "",
	    "Engine health check on https://@H:4747/engine/healthcheck/ failed", "", false,
	    "The operation has timed out" },
	{ "System.Repository.Qlik.Sense.Common.ThreadWrapper", NULL, OK, "", "",
	    "Unhandled exception in background thread", "", false,
	    "Npgsql.NpgsqlException (0x80004005): Exception while reading from stream" },
};

static const struct event sched_audit[] = {
	{ NULL, "Start task", OK, "Trigger", "Execution @E", "Task 'Reload @A' triggered by schedule",
	    "sa_scheduler", true, NULL },
	{ NULL, "Execute task", OK, "Trigger", "Execution @E",
	    "Execution of 'Reload @A' assigned to node '@H'", "sa_scheduler", true, NULL },
	{ NULL, "Finish task", OK, "Trigger", "Execution @E",
	    "Task 'Reload @A' finished with status FinishedSuccess", "sa_scheduler", true, NULL },
};
static const struct event sched_audit_bad[] = {
	{ NULL, "Finish task", 1, "Error: Task failed", "Trigger", "Execution @E",
	    "Task 'Reload @A' finished with status FinishedFail", "sa_scheduler", true, NULL },
};

static const struct event sched_system[] = {
	{ "System.Scheduler.Scheduler.Master.Task.TaskSession", NULL, OK, "", "",
	    "Execution State Change to Triggered", "sa_scheduler", true, NULL },
	{ "System.Scheduler.Scheduler.Master.Task.TaskSession", NULL, OK, "", "",
	    "Execution State Change to Started", "sa_scheduler", true, NULL },
	{ "System.Scheduler.Scheduler.Slave.Tasks.ReloadTask", NULL, OK, "", "",
	    "Reload started on engine @H:4747", "sa_scheduler", true, NULL },
	{ "System.Scheduler.Scheduler.Master.Task.TaskSession", NULL, OK, "", "",
	    "Execution State Change to FinishedSuccess", "sa_scheduler", true, NULL },
};
static const struct event sched_system_bad[] = {
	{ "System.Scheduler.Scheduler.Master.Task.TaskSession", NULL, OK, "", "",
	    "Execution State Change to FinishedFail", "sa_scheduler", true, "Reload failed: script error" },
	{ "System.Scheduler.Scheduler.Master.Task.TaskSession", NULL, OK, "", "",
	    "Max retries reached", "sa_scheduler", true, NULL },
	{ "System.Scheduler.Scheduler.Master.Task.TaskSession", NULL, OK, "", "",
	    "Could not reserve an executor for task", "sa_scheduler", true, NULL },
};

#define EV(a) a, N(a)
#define NONE NULL, 0

const struct ltype ltypes[] = {
	{ "Engine", "AuditActivity", "Audit", V_ENGINE, H_AUDIT, EV(engine_audit), EV(engine_audit_bad) },
	{ "Engine", "System", "Trace", V_ENGINE, H_ENGINE_SYSTEM, EV(engine_system), EV(engine_system_bad) },
	{ "Engine", "Performance", "Trace", V_ENGINE, H_PERFORMANCE, EV(engine_perf), NONE },
	{ "Engine", "Session", "Trace", V_ENGINE, H_SESSION, EV(engine_session), NONE },
	{ "Engine", "QixPerformance", "Trace", V_ENGINE, H_QIXPERF, EV(engine_qixperf), NONE },
	{ "Proxy", "AuditActivity", "Audit", V_SERVICES, H_AUDIT, EV(proxy_audit), EV(proxy_audit_bad) },
	{ "Proxy", "AuditSecurity", "Audit", V_SERVICES, H_AUDIT, EV(proxy_security), EV(proxy_security_bad) },
	{ "Proxy", "Service", "System", V_SERVICES, H_SERVICE, EV(proxy_service), EV(proxy_service_bad) },
	{ "Proxy", "System", "Trace", V_SERVICES, H_SYSTEM, EV(proxy_system), EV(proxy_system_bad) },
	{ "Repository", "AuditActivity", "Audit", V_SERVICES, H_AUDIT, EV(repo_audit), EV(repo_audit_bad) },
	{ "Repository", "Service", "System", V_SERVICES, H_SERVICE, EV(repo_service), EV(repo_service_bad) },
	{ "Repository", "System", "Trace", V_SERVICES, H_SYSTEM, EV(repo_system), EV(repo_system_bad) },
	{ "Scheduler", "AuditActivity", "Audit", V_SERVICES, H_AUDIT, EV(sched_audit), EV(sched_audit_bad) },
	{ "Scheduler", "System", "Trace", V_SERVICES, H_SCHED_SYSTEM, EV(sched_system), EV(sched_system_bad) },
};

const size_t nltypes = N(ltypes);
