package dev.terminus.controlplane.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Runs JDBC work on a small HikariCP pool over an H2 file database. Writes run in transactions
 * under a shared lock, and {@link #exclusive} under the exclusive one: a KEK rewrap must not race
 * a write that seals under the old KEK. SQL failures become {@link StoreException} {@code DATABASE}.
 */
final class Database implements AutoCloseable {

    /** Does JDBC work on one connection. */
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    // H2's "database may be already in use" error: another process holds the file lock.
    private static final int H2_DATABASE_ALREADY_OPEN = 90020;
    private static final int POOL_SIZE = 4;

    private final HikariDataSource pool;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    private Database(HikariDataSource pool) {
        this.pool = pool;
    }

    /** Opens the pool on {@code dataDir}/terminus.mv.db; refuses a directory another process has open. */
    static Database open(Path dataDir) {
        HikariConfig config = new HikariConfig();
        // DB_CLOSE_ON_EXIT=FALSE: H2's own shutdown hook would close the database under the pool's
        // feet; we close it through close(). MVStore is crash-safe if the process dies without that.
        config.setJdbcUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("terminus") + ";DB_CLOSE_ON_EXIT=FALSE");
        config.setUsername("terminus");
        config.setPassword("");
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(1);
        config.setPoolName("terminus-store");
        try {
            return new Database(new HikariDataSource(config));
        } catch (HikariPool.PoolInitializationException e) {
            if (e.getCause() instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_ALREADY_OPEN) {
                throw new StoreException(StoreException.Code.DATABASE, "dataDir: " + dataDir
                        + " (expected: a data directory no other control plane has open)", e);
            }
            throw new StoreException(StoreException.Code.DATABASE, "dataDir: " + dataDir
                    + " (expected: a writable directory holding a Terminus database; " + e.getMessage() + ")", e);
        }
    }

    /** Runs {@code work} in one transaction under the shared lock; rolls back on any failure. */
    <T> T inTransaction(String what, Work<T> work) {
        return locked(lock.readLock(), what, work);
    }

    /** Runs {@code work} in one transaction that no other write overlaps. */
    <T> T exclusive(String what, Work<T> work) {
        return locked(lock.writeLock(), what, work);
    }

    /** Runs read-only {@code work} outside any lock. */
    <T> T read(String what, Work<T> work) {
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw failed(what, e);
        }
    }

    private <T> T locked(Lock held, String what, Work<T> work) {
        held.lock();
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failed(what, e);
        } finally {
            held.unlock();
        }
    }

    private static StoreException failed(String what, SQLException e) {
        return new StoreException(StoreException.Code.DATABASE, what + ": failed (" + e.getMessage() + ")", e);
    }

    @Override
    public void close() {
        pool.close();
    }
}
