package dev.gatehouse.servlet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SpoolBudgetTest {

    @Test
    void reservationsBeyondTheBudgetAreRefusedAndReserveNothing() {
        SpoolBudget budget = new SpoolBudget(100, 1000, 2);
        SpoolBudget.Account a = budget.account();
        SpoolBudget.Account b = budget.account();
        assertTrue(a.reserveMemory(60));
        assertFalse(b.reserveMemory(41));
        assertTrue(b.reserveMemory(40));
        assertEquals(100, budget.memoryUsed());
        assertTrue(a.reserveDisk(1000));
        assertFalse(b.reserveDisk(1));
        assertEquals(0, b.disk());
        assertEquals(1000, budget.diskUsed());
    }

    @Test
    void releaseGivesBackAtMostWhatAnAccountHolds() {
        SpoolBudget budget = new SpoolBudget(100, 100, 1);
        SpoolBudget.Account a = budget.account();
        SpoolBudget.Account b = budget.account();
        assertTrue(a.reserveDisk(30));
        assertTrue(b.reserveDisk(30));
        a.releaseDisk(50); // more than it holds: only its 30 come back
        assertEquals(30, budget.diskUsed());
        assertEquals(0, a.disk());
        a.releaseMemory(10);
        assertEquals(0, budget.memoryUsed());
    }

    @Test
    void closeGivesBackEverythingOnceAndRefusesLaterReservations() {
        SpoolBudget budget = new SpoolBudget(100, 100, 1);
        SpoolBudget.Account a = budget.account();
        assertTrue(a.enter());
        assertTrue(a.enter(), "entering twice takes one slot");
        assertTrue(a.reserveMemory(50));
        assertTrue(a.reserveDisk(70));
        a.close();
        a.close();
        assertEquals(0, budget.memoryUsed());
        assertEquals(0, budget.diskUsed());
        assertEquals(0, budget.spooling());
        assertFalse(a.reserveMemory(1));
        assertFalse(a.enter());
        assertEquals(0, budget.memoryUsed());
    }

    @Test
    void spoolingSlotsAreBounded() {
        SpoolBudget budget = new SpoolBudget(0, 0, 2);
        SpoolBudget.Account a = budget.account();
        SpoolBudget.Account b = budget.account();
        SpoolBudget.Account c = budget.account();
        assertTrue(a.enter());
        assertTrue(b.enter());
        assertFalse(c.enter());
        a.close();
        assertTrue(c.enter());
        assertEquals(2, budget.spooling());
        b.leave();
        b.leave();
        assertEquals(1, budget.spooling(), "leaving gives the slot back once");
        b.close();
        assertEquals(1, budget.spooling());
    }

    @Test
    void negativeValuesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new SpoolBudget(-1, 0, 0));
        assertThrows(
                IllegalArgumentException.class,
                () -> new SpoolBudget(0, 0, 1).account().reserveDisk(-1));
    }

    /** Many threads race for a budget that fits some of them: it is never overdrawn. */
    @Test
    void concurrentReservationsNeverOverdraw() throws Exception {
        SpoolBudget budget = new SpoolBudget(1000, 0, 1000);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        List<SpoolBudget.Account> accounts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            SpoolBudget.Account account = budget.account();
            accounts.add(account);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int j = 0; j < 1000; j++) {
                    if (account.reserveMemory(7)) {
                        granted.incrementAndGet();
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1000 / 7, granted.get());
        assertEquals(1000 / 7 * 7, budget.memoryUsed());
        accounts.forEach(SpoolBudget.Account::close);
        assertEquals(0, budget.memoryUsed());
    }
}
