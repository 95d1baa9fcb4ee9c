-- Room on each page of recipients for the next version of its rows. A delivery claims its recipients
-- (sending_until, packages/core/src/outcomes/mark-sending.ts) before it sends: that update changes no
-- indexed column, so with room on the page it is a HOT update (no new entry in any of the table's five
-- indexes, and a page pruned in place); on a full page (the default fillfactor of 100, rows inserted
-- back to back by intake) it had to go to another page and add an entry to every index. Prisma's schema
-- cannot declare a storage parameter, so it lives here only. Pages written before this keep their rows.
ALTER TABLE "recipients" SET (fillfactor = 60);
