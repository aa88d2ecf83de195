package dev.sluice.bench.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Counts what goes to the server through a DataSource: statements executed, and commits or
 * rollbacks of an open transaction (pgjdbc sends nothing for those when no transaction is open,
 * and sends BEGIN together with the first statement). Each counted call is one network round
 * trip with pgjdbc. Only for calibration: the proxies cost time, so timed loops never use it.
 */
public final class RoundTripCounter {
    private final AtomicLong statements = new AtomicLong();
    private final AtomicLong transactionEnds = new AtomicLong();
    private final DataSource dataSource;

    public RoundTripCounter(DataSource real) {
        this.dataSource = proxy(DataSource.class, real, (target, method, args) -> {
            Object result = invoke(method, target, args);
            return result instanceof Connection c ? connection(c) : result;
        });
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public long statements() {
        return statements.get();
    }

    public long transactionEnds() {
        return transactionEnds.get();
    }

    private Connection connection(Connection real) {
        return proxy(Connection.class, real, (target, method, args) -> {
            String name = method.getName();
            if ((name.equals("commit") || name.equals("rollback"))
                    && (args == null || args.length == 0)
                    && real.unwrap(BaseConnection.class).getTransactionState() != TransactionState.IDLE) {
                transactionEnds.incrementAndGet();
            }
            Object result = invoke(method, target, args);
            return result instanceof Statement s && !name.equals("unwrap")
                    ? statement(s, method.getReturnType())
                    : result;
        });
    }

    private Statement statement(Statement real, Class<?> type) {
        return (Statement) proxy(type, real, (target, method, args) -> {
            if (method.getName().startsWith("execute")) {
                statements.incrementAndGet();
            }
            return invoke(method, target, args);
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Object real, Handler handler) {
        return (T) Proxy.newProxyInstance(
                RoundTripCounter.class.getClassLoader(), new Class<?>[] {type}, (InvocationHandler)
                        (p, method, args) -> handler.handle(real, method, args));
    }

    private interface Handler {
        Object handle(Object target, Method method, Object[] args) throws Throwable;
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
