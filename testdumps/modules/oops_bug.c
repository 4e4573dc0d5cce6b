// SPDX-License-Identifier: GPL-2.0
/*
 * Case "bug": BUG_ON() in a /proc write handler.
 * Init creates /proc/oops_bug; "echo 1 > /proc/oops_bug" from user space
 * hits BUG_ON() -> "kernel BUG at .../oops_bug.c:NN!" in process context
 * (a write(2) system call).
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>
#include <linux/compiler.h>
#include "oops_common.h"

unsigned long oops_bug_counter = 42;
unsigned long oops_bug_hits;
char oops_bug_tag[24] = "oops_bug tag";
struct oops_record oops_bug_record = OOPS_RECORD_INIT(oops_bug_record, "bug");

static struct proc_dir_entry *oops_bug_entry;

static noinline void oops_bug_check(char c)
{
	oops_bug_hits++;
	OOPS_FACT_HITS(oops_bug);
	BUG_ON(c == '1');
}

static noinline ssize_t oops_bug_write(struct file *file, const char __user *buf,
				       size_t count, loff_t *ppos)
{
	char c;

	if (count < 1)
		return -EINVAL;
	if (copy_from_user(&c, buf, 1))
		return -EFAULT;
	oops_bug_check(c);
	return count;
}

static const struct proc_ops oops_bug_ops = {
	.proc_write = oops_bug_write,
};

static int __init oops_bug_init(void)
{
	oops_bug_hits = 7;
	oops_bug_entry = proc_create("oops_bug", 0200, NULL, &oops_bug_ops);
	if (!oops_bug_entry)
		return -ENOMEM;
	OOPS_PRINT_FACTS(oops_bug);
	OOPS_FACT_FUNC(oops_bug_init);
	OOPS_FACT_FUNC(oops_bug_write);
	OOPS_FACT_FUNC(oops_bug_check);
	OOPS_FACTS_END();
	return 0;
}

static void __exit oops_bug_exit(void)
{
	proc_remove(oops_bug_entry);
}

module_init(oops_bug_init);
module_exit(oops_bug_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vmcore-inspector test dump: BUG_ON in a /proc write handler");
