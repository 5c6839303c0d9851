-- Version 6: a 管理员 lifts an account's login locks (from the accounts page or the command
-- line; the server honours locks counted before this time), and the competition's time zone
-- (the time 定时揭榜 is entered and shown in; China has one offset all year).
ALTER TABLE account ADD COLUMN unlocked_at INTEGER;
ALTER TABLE competition ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai';
