/*
 * End to end: the custscan daemon and custscan-register as separate
 * processes over ipc:// sockets in a private directory, custscan on a
 * replay of phone-card captures under SDL's offscreen driver, saving a
 * screenshot at each screen change. The register turns scan mode on; the
 * test checks what a cashier and a customer would see: the customer
 * attached exactly once, the confirmed screen (its pixels), a replacement
 * confirmed by the cashier, the register restarting mid-flow, the frames
 * vanishing (scanner unavailable on screen) and coming back, and a clean
 * exit on SIGTERM. Every wait has a deadline.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "display/png.h"

#define CUSTSCAN CUSTSCAN_BINARY_DIR "/app/custscan"
#define REGISTER CUSTSCAN_BINARY_DIR "/app/custscan-register"
#define PHONESIM CUSTSCAN_BINARY_DIR "/tools/phonesim/custscan-phonesim"
#define REPLAY	 CUSTSCAN_FIXTURES "/../../assets/replay"
#define WAIT_MS	 30000
#define PATH_SZ	 512

/* A child with its output in a file and, for the register, stdin on a pipe. */
struct proc {
	pid_t pid;
	int in; /* write end of its stdin, or -1 */
	char out[PATH_SZ];
};

struct fixture {
	char dir[64];
	char frames[PATH_SZ]; /* the replay folder custscan plays, looping */
	char shots[PATH_SZ];  /* its screenshots */
	char csv[PATH_SZ];
	char scan[PATH_SZ], control[PATH_SZ];
	struct proc daemon;
	struct proc reg;
	unsigned reg_runs;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void run_cmd(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd), 0);
}

static void proc_start(struct proc *p, char *const argv[], bool with_stdin, const char *out)
{
	int in[2] = {-1, -1};
	int fd;

	snprintf(p->out, sizeof(p->out), "%s", out);
	if (with_stdin)
		assert_int_equal(pipe(in), 0);
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			_exit(126);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (with_stdin) {
			dup2(in[0], STDIN_FILENO);
			close(in[0]);
			close(in[1]);
		}
		close(fd);
		execv(argv[0], argv);
		_exit(127);
	}
	p->in = -1;
	if (with_stdin) {
		close(in[0]);
		p->in = in[1];
	}
}

static void proc_say(struct proc *p, const char *line)
{
	assert_int_equal(write(p->in, line, strlen(line)), (ssize_t)strlen(line));
}

/* Sends sig and waits for the exit (at most WAIT_MS); returns the status. */
static int proc_stop(struct proc *p, int sig)
{
	int64_t end = now_ms() + WAIT_MS;
	int status = -1;

	if (p->pid <= 0)
		return 0;
	kill(p->pid, sig);
	while (now_ms() < end) {
		pid_t r = waitpid(p->pid, &status, WNOHANG);

		if (r == p->pid)
			break;
		poll(NULL, 0, 20);
	}
	if (waitpid(p->pid, NULL, WNOHANG) == 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &status, 0);
		status = -1;
	}
	if (p->in >= 0)
		close(p->in);
	p->pid = 0;
	p->in = -1;
	return status;
}

/* How often text occurs in the file. */
static int count_in(const char *path, const char *text)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	size_t n;
	int c = 0;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (const char *s = strstr(buf, text); s; s = strstr(s + 1, text))
		c++;
	return c;
}

/* Waits until text occurs at least times in the file. */
static void wait_for(const char *path, const char *text, int times)
{
	int64_t end = now_ms() + WAIT_MS;

	while (now_ms() < end) {
		if (count_in(path, text) >= times)
			return;
		poll(NULL, 0, 50);
	}
	run_cmd("cat %s >&2", path);
	fail_msg("no %d x \"%s\" in %s", times, text, path);
}

/* The newest screenshot of a screen, "" if none. */
static void find_shot(const struct fixture *f, const char *screen, char *out)
{
	char suffix[64];
	struct dirent *e;
	DIR *d = opendir(f->shots);

	out[0] = '\0';
	snprintf(suffix, sizeof(suffix), "-%s.png", screen);
	if (!d)
		return;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);

		if (n > strlen(suffix) && strcmp(e->d_name + n - strlen(suffix), suffix) == 0 &&
		    (!out[0] || strcmp(e->d_name, strrchr(out, '/') + 1) > 0))
			snprintf(out, PATH_SZ, "%.200s/%.255s", f->shots, e->d_name);
	}
	closedir(d);
}

/* Waits for a screenshot of screen (saved just after the screen is drawn). */
static void wait_shot(const struct fixture *f, const char *screen, char *out)
{
	int64_t end = now_ms() + WAIT_MS;

	do {
		find_shot(f, screen, out);
		if (out[0])
			return;
		poll(NULL, 0, 50);
	} while (now_ms() < end);
	fail_msg("no screenshot of %s in %s", screen, f->shots);
}

/* The confirmed screen is a green field with a lighter green check mark. */
static void assert_confirmed_pixels(const char *path)
{
	uint8_t *px = NULL;
	int w, h;
	const uint8_t *bg, *mid;

	assert_int_equal(display_png_load_rgba(path, &px, &w, &h), 0);
	bg = px + ((size_t)(h / 20) * (size_t)w + (size_t)(w / 20)) * 4;
	mid = px + ((size_t)(h / 2) * (size_t)w + (size_t)(w / 2)) * 4;
	assert_true(bg[1] > bg[0] + 30 && bg[1] > bg[2]); /* green background */
	assert_true(mid[0] + mid[1] + mid[2] > 0);
	free(px);
}

/* True if the screenshot has the service note's dark amber band at its foot. */
static bool has_note_band(const char *path)
{
	uint8_t *px = NULL;
	const uint8_t *p;
	int w, h;
	bool band;

	if (display_png_load_rgba(path, &px, &w, &h) != 0)
		return false;
	p = px + ((size_t)(h - 2) * (size_t)w + 2) * 4;
	band = abs(p[0] - 44) <= 4 && abs(p[1] - 34) <= 4 && abs(p[2] - 12) <= 4;
	free(px);
	return band;
}

/* Waits until the newest screenshot of screen shows a service note, or not. */
static void wait_note_shot(const struct fixture *f, const char *screen, bool note)
{
	int64_t end = now_ms() + WAIT_MS;
	char shot[PATH_SZ];

	do {
		find_shot(f, screen, shot);
		if (shot[0] && has_note_band(shot) == note)
			return;
		poll(NULL, 0, 50);
	} while (now_ms() < end);
	fail_msg("no screenshot of %s %s a service note in %s", screen, note ? "with" : "without",
		 f->shots);
}

static void start_daemon(struct fixture *f)
{
	char log[PATH_SZ];
	char scan[PATH_SZ + 16], control[PATH_SZ + 16], replay[PATH_SZ];
	char *argv[] = {CUSTSCAN,
			"--headless",
			"--replay",
			replay,
			"--screenshot-dir",
			f->shots,
			"--set",
			scan,
			"--set",
			control,
			"--set",
			"answer_timeout_ms=3000",
			"--config",
			"/dev/null",
			NULL};

	snprintf(replay, sizeof(replay), "%s", f->frames);
	snprintf(scan, sizeof(scan), "scan_addr=%s", f->scan);
	snprintf(control, sizeof(control), "control_addr=%s", f->control);
	snprintf(log, sizeof(log), "%s/custscan.log", f->dir);
	proc_start(&f->daemon, argv, false, log);
	wait_for(f->daemon.out, "screen: idle", 1);
}

static void start_register(struct fixture *f)
{
	char out[PATH_SZ];
	char *argv[] = {REGISTER,   "--customers", f->csv, "--scan",	f->scan, "--control",
			f->control, "--confirm",   "yes",  "--no-scan", NULL};

	snprintf(out, sizeof(out), "%s/register-%u.out", f->dir, ++f->reg_runs);
	proc_start(&f->reg, argv, true, out);
	wait_for(f->reg.out, "display link up", 1);
	proc_say(&f->reg, "scan on\n");
}

/* Replaces the replay's frames, file by file under the same names. */
static void show_card(struct fixture *f, const char *text, unsigned seed)
{
	run_cmd("rm -rf %s/gen && " PHONESIM " --sequence %s/gen --seed %u --text '%s' "
		"--size 640x480 --frames 30 >/dev/null",
		f->dir, f->dir, seed, text);
	run_cmd("cd %s/gen && for i in frame-*.png; do n=$(basename $i .png); "
		"cp $i %s/.$n.tmp && mv %s/.$n.tmp %s/$n.jpg; done",
		f->dir, f->frames, f->frames, f->frames);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	FILE *csv;

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/custscan-e2e-XXXXXX");
	if (!mkdtemp(f->dir))
		goto fail;
	snprintf(f->frames, sizeof(f->frames), "%s/frames", f->dir);
	snprintf(f->shots, sizeof(f->shots), "%s/shots", f->dir);
	snprintf(f->csv, sizeof(f->csv), "%s/customers.csv", f->dir);
	snprintf(f->scan, sizeof(f->scan), "ipc://%s/run/scan.sock", f->dir);
	snprintf(f->control, sizeof(f->control), "ipc://%s/run/control.sock", f->dir);
	if (mkdir(f->shots, 0755) != 0)
		goto fail;
	csv = fopen(f->csv, "w");
	if (!csv)
		goto fail;
	fputs("id,first_name,last_name,email,phone\n"
	      "DEMO-0001,Ada,Lovelace,ada@example.com,\n"
	      "DEMO-0002,Grace,Hopper,grace@example.com,\n",
	      csv);
	fclose(csv);
	run_cmd("cp -r " REPLAY " %s", f->frames);
	signal(SIGPIPE, SIG_IGN);
	*state = f;
	return 0;

fail:
	free(f);
	return -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	proc_stop(&f->reg, SIGKILL);
	proc_stop(&f->daemon, SIGKILL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Stops the daemon with SIGTERM: it must exit 0, its log saying so. */
static void stop_cleanly(struct fixture *f)
{
	int status = proc_stop(&f->daemon, SIGTERM);

	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(count_in(f->daemon.out, "main: stopped"), 1);
}

/*
 * Asks the daemon for its metrics through the register and checks what they
 * say after one customer was attached: frames read and decoded, one id
 * confirmed, sent and answered, the latencies counted.
 */
static void assert_metrics_after_one_scan(struct fixture *f)
{
	static char buf[1 << 16];
	unsigned long long frames, dropped, decodes, codes, ids, faults, sent, answers, timeouts;
	unsigned long long n_decode, n_answer;
	const char *line;
	FILE *in;
	size_t n;

	proc_say(&f->reg, "metrics\n");
	wait_for(f->reg.out, "display metrics: confirmed to answer", 1);
	in = fopen(f->reg.out, "r");
	assert_non_null(in);
	n = fread(buf, 1, sizeof(buf) - 1, in);
	fclose(in);
	buf[n] = '\0';
	line = strstr(buf, "display metrics: frames");
	assert_non_null(line);
	assert_int_equal(
	    sscanf(line,
		   "display metrics: frames %llu, dropped %llu, decodes %llu, codes "
		   "%llu, ids %llu, camera faults %llu, scans sent %llu, answers %llu, "
		   "register timeouts %llu",
		   &frames, &dropped, &decodes, &codes, &ids, &faults, &sent, &answers, &timeouts),
	    9);
	assert_true(frames > 0 && decodes > 0 && decodes <= frames && codes > 0);
	assert_int_equal(ids, 1);
	assert_int_equal(sent, 1);
	assert_int_equal(answers, 1);
	assert_int_equal(timeouts, 0);
	assert_non_null(
	    strstr(line, "display metrics: rejected not_customer_card 0, bad_prefix 0"));
	line = strstr(line, "display metrics: decode n ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "display metrics: decode n %llu", &n_decode), 1);
	assert_true(n_decode > 0);
	line = strstr(line, "display metrics: confirmed to answer n ");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "display metrics: confirmed to answer n %llu", &n_answer), 1);
	assert_int_equal(n_answer, 1);
}

/* The card is attached once, the screen confirms it; a second card replaces it. */
static void test_scan_confirm_replace(void **state)
{
	struct fixture *f = *state;
	char shot[PATH_SZ];

	start_daemon(f);
	start_register(f);
	wait_for(f->reg.out, "attached DEMO-0001 Ada Lovelace", 1);
	wait_for(f->daemon.out, "screen: confirmed", 1);
	wait_shot(f, "confirmed", shot);
	assert_confirmed_pixels(shot);
	/* The card stays in view through the confirmation and back to ready. */
	wait_for(f->daemon.out, "screen: ready", 2);
	proc_say(&f->reg, "status\n");
	wait_for(f->reg.out, "display: camera ok, scan mode on", 1);
	assert_int_equal(count_in(f->reg.out, "attached DEMO-0001"), 1);
	assert_metrics_after_one_scan(f);

	/* Another customer's card: the cashier is asked, says yes, the screen confirms. */
	show_card(f, "CUST#DEMO-0002", 11);
	wait_for(f->reg.out, "replace with Grace Hopper", 1);
	wait_for(f->reg.out, "attached DEMO-0002 Grace Hopper", 1);
	wait_for(f->daemon.out, "screen: confirmed", 2);
	assert_int_equal(count_in(f->reg.out, "attached DEMO-0002"), 1);
	assert_int_equal(count_in(f->reg.out, "attached DEMO-0001"), 1);
	stop_cleanly(f);
}

/*
 * First boot of a kiosk: the socket folder cannot be made (a file is in the
 * way), so the screen says why and what to do while custscan retries; the
 * folder becomes possible and the link opens without a restart; no register
 * talks for 10 s, so the screen says so; the register comes and attaches the
 * customer, and the note goes.
 */
static void test_first_boot_notes(void **state)
{
	struct fixture *f = *state;
	char run[PATH_SZ];

	snprintf(run, sizeof(run), "%s/run", f->dir);
	run_cmd("touch %s", run);
	start_daemon(f);
	wait_for(f->daemon.out, "service note: register link: cannot secure the socket directory",
		 1);
	wait_note_shot(f, "idle", true);
	assert_int_equal(kill(f->daemon.pid, 0), 0);

	run_cmd("rm %s", run);
	wait_for(f->daemon.out, "link: opened", 1);
	wait_for(f->daemon.out, "service note: no register has talked to this display", 1);
	assert_int_equal(count_in(f->daemon.out, "point it at ipc://"), 1);

	start_register(f);
	wait_for(f->reg.out, "attached DEMO-0001", 1);
	wait_for(f->daemon.out, "link: a register talks again", 1);
	wait_for(f->daemon.out, "service note cleared", 2);
	wait_note_shot(f, "confirmed", false);
	stop_cleanly(f);
}

/* The register dies mid-flow and comes back: the daemon goes on. */
static void test_register_restart(void **state)
{
	struct fixture *f = *state;
	char first[PATH_SZ];

	start_daemon(f);
	start_register(f);
	wait_for(f->reg.out, "attached DEMO-0001", 1);
	snprintf(first, sizeof(first), "%s", f->reg.out);
	proc_stop(&f->reg, SIGKILL);
	start_register(f);
	wait_for(f->reg.out, "attached DEMO-0001", 1);
	wait_for(f->daemon.out, "screen: confirmed", 2);
	assert_int_equal(count_in(first, "attached DEMO-0001"), 1);
	assert_int_equal(count_in(f->reg.out, "attached DEMO-0001"), 1);
	assert_int_equal(kill(f->daemon.pid, 0), 0);
	stop_cleanly(f);
}

/*
 * The register goes away while scan mode is on: after 10 s of silence the
 * customer sees scanning paused and the installer the service note; a
 * register coming back resumes scanning and attaches the card.
 */
static void test_register_gone_pauses_scanning(void **state)
{
	struct fixture *f = *state;
	char shot[PATH_SZ];

	start_daemon(f);
	start_register(f);
	wait_for(f->reg.out, "attached DEMO-0001", 1);
	proc_stop(&f->reg, SIGKILL);
	wait_for(f->daemon.out, "link: no register has talked for 10 s", 1);
	wait_for(f->daemon.out, "screen: register_down", 1);
	wait_shot(f, "register_down", shot);
	wait_note_shot(f, "register_down", true);

	start_register(f);
	wait_for(f->daemon.out, "link: a register talks again", 1);
	wait_for(f->reg.out, "attached DEMO-0001", 1);
	stop_cleanly(f);
}

/*
 * A register whose first words after a silence are "enable" (a foreign
 * one, nanocat here, with no status query first): the silence ends before
 * scan mode starts, so the customer never sees scanning paused.
 */
static void test_enable_ends_the_silence(void **state)
{
	struct fixture *f = *state;
	char out[PATH_SZ];
	char *enable[] = {"/usr/bin/nanocat",
			  "--req",
			  "--connect",
			  f->control,
			  "-A",
			  "--data",
			  "{\"v\":1,\"type\":\"enable\",\"order\":\"N-1\"}",
			  NULL};
	struct proc nanocat;

	if (access(enable[0], X_OK) != 0)
		skip();
	start_daemon(f);
	wait_for(f->daemon.out, "service note: no register has talked", 1);
	snprintf(out, sizeof(out), "%s/nanocat.out", f->dir);
	proc_start(&nanocat, enable, false, out);
	wait_for(out, "\"type\":\"ok\"", 1);
	proc_stop(&nanocat, SIGKILL);
	wait_for(f->daemon.out, "link: scan mode on for order N-1", 1);
	wait_for(f->daemon.out, "screen: ready", 1);
	assert_int_equal(count_in(f->daemon.out, "screen: register_down"), 0);
	stop_cleanly(f);
}

/* The frames vanish: "scanner unavailable" on screen; they return: scanning resumes. */
static void test_source_vanishes(void **state)
{
	struct fixture *f = *state;
	char shot[PATH_SZ];

	start_daemon(f);
	start_register(f);
	wait_for(f->reg.out, "attached DEMO-0001", 1);
	wait_for(f->daemon.out, "screen: ready", 2);
	run_cmd("mv %s %s.gone", f->frames, f->frames);
	wait_for(f->daemon.out, "camera: failed", 1);
	wait_for(f->daemon.out, "screen: scanner_down", 1);
	wait_shot(f, "scanner_down", shot);
	/* For the installer: what failed, on the screen itself. */
	wait_for(f->daemon.out, "service note: replay files cannot be read", 1);
	wait_note_shot(f, "scanner_down", true);
	proc_say(&f->reg, "status\n");
	wait_for(f->reg.out, "display: camera failed", 1);

	run_cmd("mv %s.gone %s", f->frames, f->frames);
	wait_for(f->daemon.out, "camera: streaming", 2);
	wait_for(f->daemon.out, "screen: ready", 3);
	wait_for(f->daemon.out, "service note cleared", 1);
	assert_int_equal(count_in(f->reg.out, "attached DEMO-0001"), 1);
	stop_cleanly(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_scan_confirm_replace, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_register_restart, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_source_vanishes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_first_boot_notes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_register_gone_pauses_scanning, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enable_ends_the_silence, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
