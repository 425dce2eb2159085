// `mnist` ships no types; the adapter checks the shape of what it loads at run time.
declare module 'mnist';
